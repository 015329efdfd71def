"""How many learners fit on one node of a few sizes, from two measured figures per learner.

    python3 deploy/capacity.py --memory-gib 1 --cpu 0.1

--memory-gib: memory per learner, GiB (the `singleuser.memory.guarantee` of deploy/z2jh/config.yaml);
--cpu: mean CPU cores per learner (measured CPU seconds per learner-hour / 3600; the `cpu.guarantee`).
Per node: learners = min((node memory - reserve) / M, (node vCPUs - reserve) / C), rounded down, where the
reserve (kubelet, operating system, the chart's per-node pods) is 1 GiB + 10 % of the node's memory and
0.5 vCPU. Real nodes report what they can give pods: `kubectl describe node` shows it as Allocatable.
"""
import argparse
import math

NODES = [(2, 8), (4, 16), (8, 32), (16, 64)]  # (vCPUs, GiB)


def reserve(vcpus, gib):
    """What a node keeps for itself: (vCPUs, GiB)."""
    return 0.5, 1 + 0.1 * gib


def learners_per_node(vcpus, gib, memory_gib, cpu):
    """(by memory, by CPU, fitting both) learners on a node."""
    cpu_reserve, memory_reserve = reserve(vcpus, gib)
    by_memory = math.floor((gib - memory_reserve) / memory_gib + 1e-9)
    by_cpu = math.floor((vcpus - cpu_reserve) / cpu + 1e-9)
    return by_memory, by_cpu, min(by_memory, by_cpu)


def table(memory_gib, cpu):
    """The capacity table, as Markdown."""
    lines = [f"Per learner: {memory_gib:g} GiB memory, {cpu:g} CPU cores on average.", "",
             "| node (vCPU / GiB) | learners by memory | learners by CPU | learners per node |",
             "|---|---|---|---|"]
    for vcpus, gib in NODES:
        by_memory, by_cpu, both = learners_per_node(vcpus, gib, memory_gib, cpu)
        lines.append(f"| {vcpus} / {gib} | {by_memory} | {by_cpu} | {both} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memory-gib", type=float, required=True, help="memory per learner, GiB")
    parser.add_argument("--cpu", type=float, required=True, help="mean CPU cores per learner")
    arguments = parser.parse_args(argv)
    if arguments.memory_gib <= 0 or arguments.cpu <= 0:
        parser.error("both figures must be positive")
    print(table(arguments.memory_gib, arguments.cpu))


if __name__ == "__main__":
    main()
