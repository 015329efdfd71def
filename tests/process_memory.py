"""What a process holds in its memory, read as root: the tests that no secret reaches a learner's process."""


def memory_holds(pid, secrets):
    """Which of `secrets` (bytes) are anywhere in the memory of process `pid` (root reads any process's)."""
    found = set()
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as memory:
        for line in maps:
            span, permissions = line.split()[:2]
            start, end = (int(address, 16) for address in span.split("-"))
            if "r" not in permissions:
                continue
            try:
                memory.seek(start)
                chunk = memory.read(end - start)
            except (OSError, ValueError, OverflowError):  # a region the system will not give out ([vvar])
                continue
            found |= {secret for secret in secrets if secret in chunk}
    return found
