"""Schemathesis hooks for the OTUS Contract fuzz run (test/fuzz/schemathesis.e2e-spec.ts).

- Requests leave from their own loopback address (FUZZ_SOURCE_ADDRESS, default 127.0.0.2), so the
  gateway's per-address rate limits they run into do not also slow the test suites after them.
- URLs the services would call later (a CRM webhook, a webhook endpoint) point at a closed port
  on this machine: generated data never makes a service send anything to another host.
"""

import os

import schemathesis
import urllib3.connection

SOURCE_ADDRESS = os.environ.get("FUZZ_SOURCE_ADDRESS", "127.0.0.2")
SINK_URL = "http://127.0.0.1:9/fuzz-sink"
URL_FIELDS = ("webhookUrl", "url")

_init = urllib3.connection.HTTPConnection.__init__


def _init_from_source(self, *args, **kwargs):
    kwargs.setdefault("source_address", (SOURCE_ADDRESS, 0))
    _init(self, *args, **kwargs)


urllib3.connection.HTTPConnection.__init__ = _init_from_source


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    # Anything with a scheme could pass the services' URL checks; malformed strings stay, to be refused.
    if isinstance(case.body, dict):
        for field in URL_FIELDS:
            value = case.body.get(field)
            if isinstance(value, str) and "://" in value:
                case.body[field] = SINK_URL
