/*
 * The C floor of jshm-bench: the same loops as the Java transports, over POSIX shared memory,
 * with nothing in the way (no bounds checks, no record headers beyond a length, no crash
 * safety). The harness compiles it with gcc at bench time and runs it as two processes pinned
 * to two cores, exactly as it runs the Java children.
 *
 *   cfloor a PREFIX WARM_MS:COUNT LAT_MS:COUNT TPUT_WARM_MS:TPUT_MS OUT SIZE...   driver: ping-pong, then streams
 *   cfloor b PREFIX SIZE...                              echo side / consumer
 *   cfloor lifecycle PREFIX SIZE ITERATIONS OUT          create+map+touch+unmap+close+unlink
 *   cfloor copy PREFIX BUDGET_MS OUT SIZE...             memcpy from malloc'd memory into a region
 *
 * Regions used by a and b are created by the harness (jshm, mode 0600) and opened here:
 *   PREFIX-raw      ping-pong: A->B block at 0 (64 B payload, sequence word at 64),
 *                   B->A block at 256 (payload at 256, sequence at 320)
 *   PREFIX-cring    SPSC ring, 1 MiB, for messages up to 4 KiB
 *   PREFIX-cring-big  SPSC ring, 16 MiB, for larger messages
 * A ring region: head at 0, tail at 128, ready at 384, done at 512, data from 4096 (a page
 * boundary, as in jshm's and Agrona's rings). A record is an 8-byte length (-1: padding to the
 * end of the ring) and the payload, padded to 8 bytes.
 * Every message carries its sequence number in its first and last 8 bytes; the receiver checks
 * both, and the end marker (sequence -1) carries the count in its second word.
 *
 * The phases are those of Child.java: a warm-up of at least WARM_MS and COUNT round trips, then
 * at least LAT_MS and COUNT recorded (past three times LAT_MS, a tenth of COUNT
 * will do); each stream runs TPUT_WARM_MS untimed, then TPUT_MS timed.
 *
 * Results go to OUT as little-endian int64 records: tag, count, count values (see ResultFile.java).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TAG_RTT 1
#define TAG_STREAM 2
#define TAG_LIFECYCLE 3
#define TAG_COPY 4
#define TAG_RECEIVED 5

/* The rings the harness made (Pair.java): where their data starts, and their two capacities.
 * Native.prepare passes Pair's values at compile time, so that they are defined once. */
#if !defined(RING_DATA) || !defined(SMALL_RING) || !defined(BIG_RING)
#error "compile with -DRING_DATA=... -DSMALL_RING=... -DBIG_RING=... (Native.prepare passes Pair's)"
#endif
#define PING 64

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static void die(const char *what, const char *name) {
    fprintf(stderr, "cfloor: %s %s: ", what, name);
    perror(NULL);
    exit(1);
}

static void fail(const char *what, long a, long b) {
    fprintf(stderr, "cfloor: %s (%ld, expected %ld)\n", what, a, b);
    exit(1);
}

static char *open_region(const char *prefix, const char *suffix, size_t *size) {
    char name[512];
    snprintf(name, sizeof name, "/%s%s", prefix, suffix);
    int fd = shm_open(name, O_RDWR, 0);
    if (fd < 0) die("shm_open", name);
    struct stat st;
    if (fstat(fd, &st) != 0) die("fstat", name);
    char *p = mmap(NULL, (size_t) st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) die("mmap", name);
    close(fd);
    *size = (size_t) st.st_size;
    return p;
}

static void store(char *base, long offset, int64_t v) {
    __atomic_store_n((int64_t *) (base + offset), v, __ATOMIC_RELEASE);
}

static int64_t load(char *base, long offset) {
    return __atomic_load_n((int64_t *) (base + offset), __ATOMIC_ACQUIRE);
}

/* One wait: busy-wait steps until its condition holds. Every 2^20 steps it looks at the clock:
 * 60 s without the other end means it is gone (the harness was killed, say), and this end exits
 * rather than spin forever. */
struct wait {
    uint64_t spins;
    int64_t since;
};

static void spin(struct wait *w) {
    __builtin_ia32_pause();
    if ((++w->spins & 0xFFFFF) == 0) {
        int64_t now = now_ns();
        if (w->since == 0) {
            w->since = now;
        } else if (now - w->since > 60000000000L) {
            fprintf(stderr, "cfloor: nothing from the other end for 60 s\n");
            exit(1);
        }
    }
}

/* ------------------------------------------------------------------ output */

static FILE *out;

static void put(int64_t v) {
    if (fwrite(&v, 8, 1, out) != 1) die("write", "result file");
}

/* ------------------------------------------------------------------ ping-pong */

/* Sends a 64-byte message with sequence seq through the block at 'at': payload, then the word. */
static void ping_send(char *raw, long at, int64_t seq, char *msg) {
    memcpy(msg, &seq, 8);
    memcpy(msg + PING - 8, &seq, 8);
    memcpy(raw + at, msg, PING);
    store(raw, at + 64, seq + 2); /* +2: never 0 (fresh) nor 1 (end marker - 1 + 2) */
}

static int64_t ping_receive(char *raw, long at, int64_t *seen, char *msg) {
    int64_t w;
    struct wait wait = {0, 0};
    while ((w = load(raw, at + 64)) == *seen) spin(&wait);
    *seen = w;
    memcpy(msg, raw + at, PING);
    int64_t first, last;
    memcpy(&first, msg, 8);
    memcpy(&last, msg + PING - 8, 8);
    if (first != w - 2 || last != w - 2) fail("ping-pong message damaged", first, w - 2);
    return first;
}

static void pingpong_a(char *raw, int64_t warm_ms, int64_t warm_count, int64_t lat_ms, int64_t count) {
    char msg[PING];
    int64_t seen = 0, max = 1 << 21, n = 0, recording = 0, end = 0, cap = 0;
    int64_t *samples = malloc(sizeof(int64_t) * max);
    int64_t warm_end = now_ns() + warm_ms * 1000000L;
    for (int64_t i = 0;; i++) {
        int64_t t0 = now_ns();
        if (!recording && i >= warm_count && t0 >= warm_end) {
            recording = 1;
            end = t0 + lat_ms * 1000000L;
            cap = t0 + 3 * lat_ms * 1000000L;
        }
        if (recording && ((t0 >= end && n >= count) || (t0 >= cap && n * 10 >= count) || n == max)) break;
        ping_send(raw, 0, i, msg);
        int64_t got = ping_receive(raw, 256, &seen, msg);
        int64_t t1 = now_ns();
        if (got != i) fail("pong out of order", got, i);
        if (recording) samples[n++] = t1 - t0;
    }
    ping_send(raw, 0, -1, msg);
    put(TAG_RTT);
    put(n);
    for (int64_t i = 0; i < n; i++) put(samples[i]);
    free(samples);
}

static int64_t pingpong_b(char *raw) {
    char msg[PING];
    int64_t seen = 0;
    for (int64_t i = 0;; i++) {
        int64_t got = ping_receive(raw, 0, &seen, msg);
        if (got == -1) return i;
        if (got != i) fail("ping out of order", got, i);
        ping_send(raw, 256, got, msg);
    }
}

/* ------------------------------------------------------------------ SPSC stream */

static long padded(long n) {
    return (n + 7) & ~7L;
}

static void ring_send(char *ring, long capacity, int64_t *tail, int64_t *cached_head, const char *msg, long n) {
    long record = 8 + padded(n);
    long at = (long) (*tail & (capacity - 1));
    long pad = at + record > capacity ? capacity - at : 0;
    struct wait wait = {0, 0};
    while (*tail + pad + record - *cached_head > capacity) {
        *cached_head = load(ring, 0);
        spin(&wait);
    }
    if (pad) {
        *(int64_t *) (ring + RING_DATA + at) = -1;
        *tail += pad;
        at = 0;
    }
    memcpy(ring + RING_DATA + at + 8, msg, (size_t) n);
    *(int64_t *) (ring + RING_DATA + at) = n;
    *tail += record;
    store(ring, 128, *tail);
}

static void stream_a(char *ring, long capacity, long size, int64_t warm_ms, int64_t budget_ms) {
    char *msg = calloc(1, (size_t) size);
    int64_t tail = load(ring, 128), head = load(ring, 0), count = 0, last;
    struct wait ready = {0, 0}, done = {0, 0};
    while (load(ring, 384) == 0) spin(&ready);
    int64_t first = now_ns(), warm_end = first + warm_ms * 1000000L, end = warm_end + budget_ms * 1000000L;
    int64_t start = 0, from = -1;
    for (;;) {
        if ((count & 63) == 0) {
            int64_t now = now_ns();
            if (from < 0 && now >= warm_end) {
                from = count;
                start = now;
            }
            if (now >= end && from >= 0 && count > from) break; /* at least 64 messages timed */
        }
        memcpy(msg, &count, 8);
        memcpy(msg + size - 8, &count, 8);
        ring_send(ring, capacity, &tail, &head, msg, size);
        count++;
    }
    last = -1;
    memcpy(msg, &last, 8);
    memcpy(msg + 8, &count, 8);
    ring_send(ring, capacity, &tail, &head, msg, 16);
    while (load(ring, 512) != count + 1) spin(&done);
    int64_t nanos = now_ns() - start;
    put(TAG_STREAM);
    put(3);
    put(size);
    put(count - from);
    put(nanos);
    free(msg);
}

static int64_t stream_b(char *ring, long capacity, long size) {
    int64_t head = load(ring, 0), expected = 0;
    struct wait wait = {0, 0};
    store(ring, 384, 1);
    for (;;) {
        int64_t tail = load(ring, 128);
        if (tail == head) {
            spin(&wait);
            continue;
        }
        wait.spins = 0;
        wait.since = 0;
        while (head < tail) {
            long at = (long) (head & (capacity - 1));
            int64_t n = *(int64_t *) (ring + RING_DATA + at);
            if (n == -1) {
                head += capacity - at;
                continue;
            }
            const char *p = ring + RING_DATA + at + 8;
            int64_t first, last;
            memcpy(&first, p, 8);
            if (first == -1) {
                memcpy(&last, p + 8, 8);
                if (last != expected) fail("stream count differs", last, expected);
                store(ring, 0, head + 8 + padded(n));
                store(ring, 512, expected + 1);
                return expected;
            }
            memcpy(&last, p + n - 8, 8);
            if (n != size || first != expected || last != expected) fail("stream message damaged", first, expected);
            expected++;
            head += 8 + padded(n);
        }
        store(ring, 0, head);
    }
}

/* ------------------------------------------------------------------ lifecycle and copy */

static int lifecycle(const char *prefix, long size, long iterations, const char *path) {
    long warm = iterations / 5, page = sysconf(_SC_PAGESIZE);
    out = fopen(path, "wb");
    if (!out) die("fopen", path);
    put(TAG_LIFECYCLE);
    put(1 + iterations);
    put(size);
    char name[512];
    snprintf(name, sizeof name, "/%s-life", prefix);
    for (long i = 0; i < warm + iterations; i++) {
        int64_t t0 = now_ns();
        int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
        if (fd < 0) die("shm_open", name);
        if (ftruncate(fd, size) != 0) die("ftruncate", name);
        char *p = mmap(NULL, (size_t) size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED) die("mmap", name);
        for (long off = 0; off < size; off += page) p[off] = 1;
        munmap(p, (size_t) size);
        close(fd);
        if (shm_unlink(name) != 0) die("shm_unlink", name);
        int64_t t1 = now_ns();
        if (i >= warm) put(t1 - t0);
    }
    return fclose(out) == 0 ? 0 : 1;
}

/* Per size: copies per sample chosen so a sample is at least ~4 MiB of copying. */
static int copy(const char *prefix, int64_t budget_ms, const char *path, int nsizes, char **sizes) {
    out = fopen(path, "wb");
    if (!out) die("fopen", path);
    char name[512];
    snprintf(name, sizeof name, "/%s-ccopy", prefix);
    for (int s = 0; s < nsizes; s++) {
        long size = atol(sizes[s]);
        long reps = size >= (4L << 20) ? 1 : (4L << 20) / size;
        int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
        if (fd < 0) die("shm_open", name);
        if (ftruncate(fd, size) != 0) die("ftruncate", name);
        char *region = mmap(NULL, (size_t) size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (region == MAP_FAILED) die("mmap", name);
        close(fd);
        shm_unlink(name);
        char *source = malloc((size_t) size);
        memset(source, 7, (size_t) size);
        memset(region, 0, (size_t) size);
        int64_t max = 100000, n = 0, *samples = malloc(sizeof(int64_t) * max);
        /* warm-up as RegionCosts.java: at least a fifth of the budget and warm_copies copies */
        long warm_copies = (1L << 30) / size < 200000 ? (1L << 30) / size : 200000, copies = 0;
        if (warm_copies < 1) warm_copies = 1;
        int64_t start = now_ns(), warm_end = start + budget_ms * 200000L, end = start + budget_ms * 1000000L;
        int warm = 1;
        for (;;) {
            int64_t t0 = now_ns();
            if (warm && t0 >= warm_end && copies >= warm_copies) {
                warm = 0;
                if (end < t0 + budget_ms * 800000L) end = t0 + budget_ms * 800000L;
            }
            if ((!warm && t0 >= end && n >= 3) || n == max) break;
            for (long r = 0; r < reps; r++) {
                memcpy(region, source, (size_t) size);
                __asm__ __volatile__("" ::: "memory");
            }
            int64_t t1 = now_ns();
            copies += reps;
            if (!warm) samples[n++] = t1 - t0; /* ns for reps copies */
        }
        put(TAG_COPY);
        put(2 + n);
        put(size);
        put(0); /* source kind 0: native memory (malloc) */
        for (int64_t i = 0; i < n; i++) put(samples[i]);
        free(samples);
        free(source);
        munmap(region, (size_t) size);
    }
    return fclose(out) == 0 ? 0 : 1;
}

/* ------------------------------------------------------------------ main */

int main(int argc, char **argv) {
    if (argc >= 8 && strcmp(argv[1], "a") == 0) {
        size_t rawsize, ringsize, bigsize;
        char *raw = open_region(argv[2], "-raw", &rawsize);
        out = fopen(argv[6], "wb");
        if (!out) die("fopen", argv[6]);
        long warm_ms, warm_count, lat_ms, count, tput_warm_ms, tput_ms;
        if (sscanf(argv[3], "%ld:%ld", &warm_ms, &warm_count) != 2 || sscanf(argv[4], "%ld:%ld", &lat_ms, &count) != 2
                || sscanf(argv[5], "%ld:%ld", &tput_warm_ms, &tput_ms) != 2) {
            fprintf(stderr, "cfloor: WARM_MS:COUNT, LAT_MS:COUNT and TPUT_WARM_MS:TPUT_MS expected\n");
            return 2;
        }
        pingpong_a(raw, warm_ms, warm_count, lat_ms, count);
        for (int i = 7; i < argc; i++) {
            long size = atol(argv[i]);
            int big = size > 4096;
            char *ring = open_region(argv[2], big ? "-cring-big" : "-cring", big ? &bigsize : &ringsize);
            stream_a(ring, big ? BIG_RING : SMALL_RING, size, tput_warm_ms, tput_ms);
            munmap(ring, big ? bigsize : ringsize);
        }
        return fclose(out) == 0 ? 0 : 1;
    }
    if (argc >= 4 && strcmp(argv[1], "b") == 0) {
        size_t rawsize, ringsize, bigsize;
        char *raw = open_region(argv[2], "-raw", &rawsize);
        int64_t pongs = pingpong_b(raw);
        printf("received rtt %ld\n", (long) pongs);
        for (int i = 3; i < argc; i++) {
            long size = atol(argv[i]);
            int big = size > 4096;
            char *ring = open_region(argv[2], big ? "-cring-big" : "-cring", big ? &bigsize : &ringsize);
            int64_t n = stream_b(ring, big ? BIG_RING : SMALL_RING, size);
            printf("received %ld %ld\n", size, (long) n);
            munmap(ring, big ? bigsize : ringsize);
        }
        return 0;
    }
    if (argc == 6 && strcmp(argv[1], "lifecycle") == 0) {
        return lifecycle(argv[2], atol(argv[3]), atol(argv[4]), argv[5]);
    }
    if (argc >= 6 && strcmp(argv[1], "copy") == 0) {
        return copy(argv[2], atol(argv[3]), argv[4], argc - 5, argv + 5);
    }
    fprintf(stderr, "usage: cfloor a|b|lifecycle|copy ...\n");
    return 2;
}
