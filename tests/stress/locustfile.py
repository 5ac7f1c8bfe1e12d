"""The mixed load of `make stress`: customers listing, booking, uploading 10 MB files, reading
file ranges and invoices; staff listing and approving. Run by tests/stress/run.py, which passes
the tokens and ids it prepared in STRESS_FIXTURES (a JSON file) and collects STRESS_RESULTS.

A response counts as designed when it is what the API promises under load: 2xx, the 4xx a
request earns (409 for a taken slot, 400 for a bad one), or 503 with Retry-After (shed load).
Anything else in 5xx is a failure the report counts.
"""

import itertools
import json
import os
import random
import uuid
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypedDict
from zoneinfo import ZoneInfo

from locust import HttpUser, between, events, task


class CreatedBooking(TypedDict):
    """A booking this run created; run.py looks them up in the database afterwards."""

    id: int
    reference: str
    space_id: int


FIXTURES = json.loads(Path(os.environ["STRESS_FIXTURES"]).read_text())
RESULTS = Path(os.environ["STRESS_RESULTS"])
VENUE_TIME = ZoneInfo(FIXTURES["time_zone"])
# One 10 MB PDF-looking body shared by every upload, so the load generator stays small.
UPLOAD = b"%PDF-1.4\n" + os.urandom(10_000_000 - 9)

customer_tokens = itertools.cycle(FIXTURES["customer_tokens"])
created: list[CreatedBooking] = []
statuses: Counter[str] = Counter()


def classify(status: int, retry_after: str | None) -> str:
    if status == 503:
        return "shed 503 with Retry-After" if retry_after else "503 without Retry-After"
    if status >= 500:
        return f"{status}"
    return f"{status // 100}xx"


@events.request.add_listener
def count(request_type, name, response_time, response_length, response, exception, **kwargs):
    if response is None or not getattr(response, "status_code", 0):
        statuses["no response"] += 1
        return
    statuses[classify(response.status_code, response.headers.get("Retry-After"))] += 1


@events.test_stop.add_listener
def save(environment, **kwargs):
    RESULTS.write_text(json.dumps({"created": created, "statuses": statuses}))


def expect(response, *allowed: int) -> None:
    """Mark designed answers as successes in locust's own tally, the rest as failures."""
    designed = response.status_code in allowed or (
        response.status_code == 503 and "Retry-After" in response.headers
    )
    if designed:
        response.success()
    else:
        response.failure(f"undesigned {response.status_code}: {response.text[:200]}")


class Customer(HttpUser):
    weight = 9
    wait_time = between(0.5, 2.5)

    def on_start(self) -> None:
        self.client.verify = FIXTURES["certificate"]
        self.client.headers["Authorization"] = f"Bearer {next(customer_tokens)}"
        self.my_bookings: list[int] = []

    @task(6)
    def list_own_bookings(self) -> None:
        page = random.choice([1, 1, 1, 2, 3])
        with self.client.get(
            f"/api/bookings?page={page}", name="/api/bookings", catch_response=True
        ) as response:
            expect(response, 200)

    @task(6)
    def browse_catalog(self) -> None:
        path = random.choice(["/api/venues", "/api/spaces", "/api/items", "/api/programs"])
        with self.client.get(path, catch_response=True) as response:
            expect(response, 200)

    @task(4)
    def book(self) -> None:
        day = datetime.now(VENUE_TIME).date() + timedelta(days=random.randint(2, 60))
        start = datetime(day.year, day.month, day.day, random.randint(8, 20), tzinfo=VENUE_TIME)
        end = start + timedelta(hours=random.randint(1, 3))
        space_id: int = random.choice(FIXTURES["space_ids"])
        payload = {
            "space_id": space_id,
            "start_datetime": start.isoformat(),
            "end_datetime": end.isoformat(),
            "items": [{"item_id": random.choice(FIXTURES["item_ids"]), "quantity": 2}],
            "attendees": 10,  # fits every space, the 12-seat meeting room included
        }
        headers = {"Idempotency-Key": uuid.uuid4().hex}
        with self.client.post(
            "/api/bookings", json=payload, headers=headers, catch_response=True
        ) as response:
            expect(response, 201, 409)
            if response.status_code == 201:
                booking = response.json()
                self.my_bookings.append(booking["id"])
                created.append(
                    {
                        "id": booking["id"],
                        "reference": booking["booking_reference"],
                        "space_id": space_id,
                    }
                )

    @task(2)
    def invoice(self) -> None:
        if not self.my_bookings:
            return
        booking = random.choice(self.my_bookings)
        with self.client.get(
            f"/api/bookings/{booking}/invoice", name="/api/bookings/[id]/invoice",
            catch_response=True,
        ) as response:  # fmt: skip
            expect(response, 200)

    @task(3)
    def ranged_download(self) -> None:
        size = FIXTURES["big_upload_size"]
        start = random.randrange(0, size - 1_048_576)
        headers = {"Range": f"bytes={start}-{start + 1_048_575}"}
        with self.client.get(
            f"/api/uploads/{FIXTURES['big_upload_id']}", headers=headers,
            name="/api/uploads/[id] (1 MiB range)", catch_response=True,
        ) as response:  # fmt: skip
            expect(response, 206)

    @task(1)
    def upload_10_mb(self) -> None:
        files = {"file": ("brochure.pdf", UPLOAD, "application/pdf")}
        with self.client.post(
            "/api/uploads/files", files=files, name="/api/uploads/files (10 MB)",
            catch_response=True,
        ) as response:  # fmt: skip
            expect(response, 201)


class Staff(HttpUser):
    weight = 1
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.client.verify = FIXTURES["certificate"]
        self.client.headers["Authorization"] = f"Bearer {FIXTURES['staff_token']}"

    @task(4)
    def list_bookings(self) -> None:
        query = random.choice(["", "?status=pending", "?ordering=-start_datetime", "?page=2"])
        with self.client.get(
            f"/api/admin/bookings{query}", name="/api/admin/bookings", catch_response=True
        ) as response:
            expect(response, 200)

    @task(1)
    def approve_one(self) -> None:
        with self.client.get(
            "/api/admin/bookings?status=pending&page_size=5",
            name="/api/admin/bookings",
            catch_response=True,
        ) as response:
            expect(response, 200)
            pending = response.json()["items"] if response.status_code == 200 else []
        if pending:
            booking = random.choice(pending)["id"]
            with self.client.post(
                f"/api/admin/bookings/{booking}/approve",
                name="/api/admin/bookings/[id]/approve",
                catch_response=True,
            ) as response:
                expect(response, 200, 409)  # another staff member may have been quicker
