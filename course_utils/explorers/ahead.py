"""Work done ahead in a second Python process, so that an explorer has it ready before a slider asks.

    runs = Ahead(train_one, keys)   # starts computing train_one(key) for each key, in this order
    runs.get(key)                   # the result: computed ahead if it is ready, else here and now

The second process runs at low priority and gets one key at a time from a thread of this process that
only waits on it; when the kernel stops, the process reads the end of its input and stops too. Where no
second process can start, everything is computed here when asked for. The results are the same either
way: the same function on the same inputs.
"""
import os
import pickle
import subprocess
import sys
import threading


class Ahead:
    """compute(key) for each key, done ahead in a second process. compute must be a function of a
    module, or a functools.partial of one (it is sent by name), and its results picklable."""

    def __init__(self, compute, keys):
        keys = list(keys)
        self.compute, self.results, self.keys = compute, {}, set(keys)
        self.total = len(self.keys)  # how many it works out ahead
        threading.Thread(target=self._work_ahead, args=(keys,), daemon=True).start()

    def get(self, key):
        """The result for key: the one computed ahead, or computed now if it is not ready yet."""
        if key not in self.results:
            self.results[key] = self.compute(key)
        return self.results[key]

    def ready(self):
        """How many of the results it works out ahead are ready (results asked for other keys not counted)."""
        return len(self.keys & self.results.keys())

    def _work_ahead(self, keys):
        try:
            child = subprocess.Popen([sys.executable, "-m", "course_utils.explorers.ahead"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     env=dict(os.environ, PYTHONPATH=os.pathsep.join(map(str, sys.path))))
        except OSError:  # no second process here: get() computes each result when asked
            return
        with child:
            try:
                for key in keys:
                    if key not in self.results:
                        pickle.dump((self.compute, key), child.stdin)
                        child.stdin.flush()
                        self.results.setdefault(key, pickle.load(child.stdout))
            except (OSError, EOFError, pickle.PickleError):  # the process stopped: get() computes the rest
                pass
            child.stdin.close()


def _serve():
    """The second process: compute each (compute, key) read from stdin, write the result to stdout."""
    if hasattr(os, "nice"):
        os.nice(10)  # the kernel, which draws what the learner sees, comes first
    while True:
        try:
            compute, key = pickle.load(sys.stdin.buffer)
        except EOFError:  # the kernel stopped, or has nothing more to ask
            return
        pickle.dump(compute(key), sys.stdout.buffer)
        sys.stdout.buffer.flush()


if __name__ == "__main__":
    _serve()
