"""Domain errors of the racks app (no HTTP here: lebrq.api maps the kinds)."""

from lebrq.errors import Conflict, InvalidInput, NotFound


class RackNotFound(NotFound):
    default_message = "Rack not found"
    default_code = "rack_not_found"


class ProductNotFound(NotFound):
    default_message = "Product not found"
    default_code = "product_not_found"


class OrderNotFound(NotFound):
    default_message = "Order not found"
    default_code = "order_not_found"


class RackCodeTaken(Conflict):
    default_message = "Another rack has this code."
    default_code = "rack_code_taken"


class RackInUse(Conflict):
    default_message = "This rack has orders: deactivate it instead of deleting it."
    default_code = "rack_in_use"


class UnknownProduct(InvalidInput):
    default_message = "The cart names a product that is not on sale."
    default_code = "unknown_product"


class OutOfStock(Conflict):
    default_message = "Not enough stock for this order."
    default_code = "out_of_stock"


class AmountMismatch(Conflict):
    default_message = "The payment is not what the order costs."
    default_code = "amount_mismatch"


class PaymentNotUsable(Conflict):
    default_message = "This payment cannot pay for a rack order."
    default_code = "payment_not_usable"


class InvalidOrderTransition(Conflict):
    default_message = "The order cannot move to that status from where it is."
    default_code = "invalid_transition"


class OrderCancelled(Conflict):
    default_message = "This order was cancelled."
    default_code = "order_cancelled"
