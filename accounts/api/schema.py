from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class LebrqJWTScheme(SimpleJWTScheme):
    target_class = "accounts.authentication.JWTAuthentication"
