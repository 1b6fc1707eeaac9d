"""Runs every test_*.py here and ends with 'N passed, N failed'."""
import os
import sys
import time
import unittest

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)

import apicheck  # noqa: E402  (after the path is set)


class Result(unittest.TextTestResult):
    """Fails a test with the OpenAPI mismatches its other threads (webhook
    receivers, concurrent requests) recorded: a cleanup registered first
    runs last, after the test's own."""

    durations = {}

    def startTest(self, test):
        test.addCleanup(apicheck.raise_recorded)
        self._t0 = time.monotonic()
        super().startTest(test)

    def stopTest(self, test):
        # Per file: where the run's time goes (CI must stay under 30 min).
        mod = test.id().split(".")[0]
        Result.durations[mod] = Result.durations.get(mod, 0) + time.monotonic() - self._t0
        super().stopTest(test)


# CC_TESTS="test_x.py test_y*.py" (globs) runs only those files.
suite = unittest.TestSuite(unittest.defaultTestLoader.discover(here, pattern=p)
                           for p in os.environ.get("CC_TESTS", "test_*.py").split())
result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout,
                                 resultclass=Result).run(suite)
failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
passed = result.testsRun - failed - len(result.skipped)
# What arrived after the last test ended fails the run.
late = apicheck.take_recorded()
if late:
    print("OpenAPI mismatches seen after the tests:\n  " + "\n  ".join(late))
    failed += 1
slow = sorted(Result.durations.items(), key=lambda kv: -kv[1])[:8]
print("slowest files: " + ", ".join("%s %.0f s" % kv for kv in slow))
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed or result.testsRun == 0 else 0)
