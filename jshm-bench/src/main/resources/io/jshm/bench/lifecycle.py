# Region life cycle with Python's multiprocessing.shared_memory, for jshm-bench:
# create + map + touch every page + unmap + close + unlink, timed per iteration.
#   python3 lifecycle.py PREFIX SIZE ITERATIONS OUT
# OUT gets one little-endian int64 record: tag 3, count, size, then one sample (ns) per iteration
# (the format of ResultFile.java). The first ITERATIONS/5 iterations are a warm-up, not written.
import mmap
import struct
import sys
import time
from multiprocessing import shared_memory


def main():
    prefix, size, iterations, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    page = mmap.PAGESIZE
    warm = iterations // 5
    samples = []
    for i in range(warm + iterations):
        t0 = time.monotonic_ns()
        shm = shared_memory.SharedMemory(name=prefix + "-pylife", create=True, size=size)
        buf = shm.buf
        for off in range(0, size, page):
            buf[off] = 1
        del buf
        shm.close()
        shm.unlink()
        t1 = time.monotonic_ns()
        if i >= warm:
            samples.append(t1 - t0)
    with open(out, "wb") as f:
        f.write(struct.pack("<qqq", 3, 1 + len(samples), size))
        f.write(struct.pack("<%dq" % len(samples), *samples))


if __name__ == "__main__":
    main()
