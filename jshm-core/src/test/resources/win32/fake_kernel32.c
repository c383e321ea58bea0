/*
 * A fake kernel32 for Linux: the Win32 functions jshm's Windows backend calls, with the Windows x64
 * calling convention (ms_abi) and Windows semantics, so that the backend's real downcalls run on
 * Linux through the JDK's Windows x64 linker. Built by the tests with
 *   gcc -shared -fPIC -O1 -o libfake_kernel32.so fake_kernel32.c -lpthread
 *
 * What it models (held to Wine's kernel32 by WineComparisonTest):
 *  - named objects in one namespace shared by file mappings and semaphores, UTF-16 names,
 *    "Local\" (the default, also for unprefixed names) and "Global\" (creating there needs a
 *    privilege the fake withholds unless FakeWin32SetGlobalPrivilege(1) is called);
 *  - reference-counted objects: a handle or a view holds one, and the object is gone when the last
 *    is released; its name goes with its last handle (views keep only the memory);
 *    ERROR_ALREADY_EXISTS comes with a valid handle;
 *  - views at offsets that are multiples of the 64 KiB allocation granularity, rounded up to pages,
 *    backed by a memfd (or the file), so that two views of one mapping see the same bytes;
 *  - read-only handles and views, file-backed mappings that extend their file, semaphores with
 *    WaitForSingleObject, processes by pid (/proc), FormatMessageW texts.
 * Objects live in one process (one library instance): the fake does not share them between
 * processes.
 */
#define _GNU_SOURCE
#include "win32_api.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096u
#define GRANULARITY 65536u
#define MAX_HANDLES 4096
#define MAX_VIEWS 4096

enum kind { K_SECTION = 1, K_FILE, K_SEMAPHORE, K_PROCESS };

struct object {
    enum kind kind;
    int refs;                   /* handles, views and other objects that hold it */
    int handles;                /* handles alone: the name goes with the last one */
    WCHAR *name;                /* namespace key ("L:name" / "G:name"), or NULL */
    struct object *next;        /* in the list of named objects */
    int fd;                     /* section: memfd or dup of the file; file: the file */
    uint64_t size;              /* section */
    DWORD protect;              /* section */
    struct object *file;        /* section over a file */
    int writable;               /* file */
    LONG count, max;            /* semaphore */
    pid_t pid;                  /* process */
    unsigned long long start;   /* process: start time in clock ticks, as /proc/pid/stat says */
};

struct handle_slot {
    struct object *object;
    DWORD access;
};

struct view {
    char *address;
    size_t length;
    struct object *section;
    int writable;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t released;
static struct handle_slot handles[MAX_HANDLES];
static struct view views[MAX_VIEWS];
static struct object *named;
static int global_privilege;
static int sleepers; /* threads blocked in WaitForSingleObject on a semaphore now */
static int woken;    /* waits on a semaphore that blocked and then ended by a release */
static __thread DWORD last_error_of_thread;

/*
 * The thread's last error, reached through a System V function: gcc 12 at -O1 miscompiles
 * global-dynamic TLS access (the __tls_get_addr call) inside ms_abi functions.
 */
__attribute__((noinline, sysv_abi)) static DWORD *last_error_slot(void) { return &last_error_of_thread; }
#define last_error (*last_error_slot())

__attribute__((constructor)) static void init(void) {
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&released, &attr);
}

WINAPI DWORD GetLastError(void) { return last_error; }
WINAPI void SetLastError(DWORD code) { last_error = code; }

/* Test control: whether this process may create objects in Global\ (SeCreateGlobalPrivilege). */
WINAPI void FakeWin32SetGlobalPrivilege(int held) { global_privilege = held; }

/* Test observation: threads asleep on a semaphore now, and blocked waits a release has ended. */
WINAPI int FakeWin32Sleepers(void) {
    pthread_mutex_lock(&lock);
    int n = sleepers;
    pthread_mutex_unlock(&lock);
    return n;
}

WINAPI int FakeWin32Woken(void) {
    pthread_mutex_lock(&lock);
    int n = woken;
    pthread_mutex_unlock(&lock);
    return n;
}

/* Test control: how many objects are alive (a leak check). */
WINAPI int FakeWin32LiveObjects(void) {
    int n = 0;
    pthread_mutex_lock(&lock);
    for (int i = 0; i < MAX_HANDLES; i++) {
        n += handles[i].object != NULL;
    }
    for (int i = 0; i < MAX_VIEWS; i++) {
        n += views[i].address != NULL;
    }
    pthread_mutex_unlock(&lock);
    return n;
}

static void *fail(DWORD code) { last_error = code; return NULL; }
static BOOL fail_bool(DWORD code) { last_error = code; return FALSE; }

/* ------------------------------------------------------------------ handles and objects */

static HANDLE new_handle(struct object *o, DWORD access) {
    for (int i = 0; i < MAX_HANDLES; i++) {
        if (handles[i].object == NULL) {
            o->handles++;
            handles[i].object = o;
            handles[i].access = access;
            return (HANDLE) (uintptr_t) ((i + 1) * 4);
        }
    }
    return NULL;
}

static struct handle_slot *slot_of(HANDLE h) {
    uintptr_t v = (uintptr_t) h;
    if (v == 0 || v % 4 != 0 || v / 4 > MAX_HANDLES || handles[v / 4 - 1].object == NULL) {
        return NULL;
    }
    return &handles[v / 4 - 1];
}

/* Takes the object's name out of the namespace: Windows does so when its last handle closes. */
static void unname(struct object *o) {
    if (o->name) {
        for (struct object **p = &named; *p; p = &(*p)->next) {
            if (*p == o) {
                *p = o->next;
                break;
            }
        }
        free(o->name);
        o->name = NULL;
    }
}

static void release(struct object *o) {
    if (--o->refs > 0) {
        return;
    }
    unname(o);
    if (o->kind == K_SECTION || o->kind == K_FILE) {
        close(o->fd);
    }
    if (o->file) {
        release(o->file);
    }
    free(o);
}

static size_t wlen(LPCWSTR s) {
    size_t n = 0;
    while (s[n]) {
        n++;
    }
    return n;
}

static int starts_with(LPCWSTR s, const char *prefix) {
    for (size_t i = 0; prefix[i]; i++) {
        if (s[i] != (WCHAR) prefix[i]) {
            return 0;
        }
    }
    return 1;
}

/*
 * Turns an object name into its namespace key: "L:" or "G:" and the rest. A backslash in the rest
 * names a directory that does not exist: ERROR_PATH_NOT_FOUND, as Windows says.
 * Returns NULL (last_error set) for a bad name; *global tells the namespace.
 */
static WCHAR *key_of(LPCWSTR name, int *global) {
    LPCWSTR rest = name;
    *global = 0;
    if (starts_with(name, "Local\\")) {
        rest = name + 6;
    } else if (starts_with(name, "Global\\")) {
        rest = name + 7;
        *global = 1;
    }
    size_t n = wlen(rest);
    for (size_t i = 0; i < n; i++) {
        if (rest[i] == '\\') {
            return fail(ERROR_PATH_NOT_FOUND);
        }
    }
    WCHAR *key = malloc((n + 3) * sizeof(WCHAR));
    key[0] = *global ? 'G' : 'L';
    key[1] = ':';
    memcpy(key + 2, rest, (n + 1) * sizeof(WCHAR));
    return key;
}

static struct object *find_named(const WCHAR *key) {
    for (struct object *o = named; o; o = o->next) {
        if (wlen(o->name) == wlen(key) && memcmp(o->name, key, wlen(key) * sizeof(WCHAR)) == 0) {
            return o;
        }
    }
    return NULL;
}

static struct object *new_object(enum kind kind, WCHAR *key) {
    struct object *o = calloc(1, sizeof *o);
    o->kind = kind;
    o->refs = 1;
    o->fd = -1;
    o->name = key;
    if (key) {
        o->next = named;
        named = o;
    }
    return o;
}

/*
 * Looks a name up for a create: returns 1 with *out set (and a new reference) if an object of the
 * kind exists, 0 if there is none (*key then owns the key for the new object), -1 on an error.
 */
static int lookup_for_create(LPCWSTR name, enum kind kind, WCHAR **key, struct object **out) {
    int global;
    *key = NULL;
    *out = NULL;
    if (name == NULL) {
        return 0;
    }
    *key = key_of(name, &global);
    if (*key == NULL) {
        return -1;
    }
    struct object *o = find_named(*key);
    if (o != NULL) {
        free(*key);
        *key = NULL;
        if (o->kind != kind) {
            last_error = ERROR_INVALID_HANDLE;
            return -1;
        }
        o->refs++;
        *out = o;
        return 1;
    }
    if (global && !global_privilege) {
        free(*key);
        *key = NULL;
        last_error = ERROR_ACCESS_DENIED;
        return -1;
    }
    return 0;
}

static struct object *lookup_for_open(LPCWSTR name, enum kind kind) {
    int global;
    if (name == NULL) {
        return fail(ERROR_INVALID_PARAMETER);
    }
    WCHAR *key = key_of(name, &global);
    if (key == NULL) {
        return NULL;
    }
    struct object *o = find_named(key);
    free(key);
    if (o == NULL) {
        return fail(ERROR_FILE_NOT_FOUND);
    }
    if (o->kind != kind) {
        return fail(ERROR_INVALID_HANDLE);
    }
    return o;
}

WINAPI BOOL CloseHandle(HANDLE h) {
    pthread_mutex_lock(&lock);
    struct handle_slot *s = slot_of(h);
    if (s == NULL) {
        pthread_mutex_unlock(&lock);
        return fail_bool(ERROR_INVALID_HANDLE);
    }
    struct object *o = s->object;
    s->object = NULL;
    if (--o->handles == 0) {
        unname(o); /* views may keep the memory, not the name */
    }
    release(o);
    pthread_mutex_unlock(&lock);
    return TRUE;
}

/* ------------------------------------------------------------------ file mappings */

static uint64_t commit_limit(void) {
    long pages = sysconf(_SC_PHYS_PAGES);
    return (uint64_t) (pages > 0 ? pages : 1L << 20) * PAGE * 2; /* memory and a page file as large */
}

WINAPI HANDLE CreateFileMappingW(HANDLE file, void *attributes, DWORD protect, DWORD sizeHigh, DWORD sizeLow,
                                 LPCWSTR name) {
    (void) attributes;
    uint64_t size = (uint64_t) sizeHigh << 32 | sizeLow;
    if (protect != PAGE_READONLY && protect != PAGE_READWRITE) {
        return fail(ERROR_INVALID_PARAMETER);
    }
    pthread_mutex_lock(&lock);
    HANDLE result = NULL;
    WCHAR *key;
    struct object *existing;
    struct handle_slot *fs = NULL;
    int found = lookup_for_create(name, K_SECTION, &key, &existing);
    if (found < 0) {
        goto out;
    }
    if (found > 0) {
        result = new_handle(existing, FILE_MAP_ALL_ACCESS);
        last_error = ERROR_ALREADY_EXISTS;
        goto out;
    }
    int fd;
    if (file == INVALID_HANDLE_VALUE) {
        if (size == 0) {
            last_error = ERROR_INVALID_PARAMETER;
            goto out;
        }
        if (size > commit_limit()) {
            last_error = ERROR_NOT_ENOUGH_MEMORY; /* as Wine says; Windows may say ERROR_COMMITMENT_LIMIT */
            goto out;
        }
        fd = memfd_create("fake-section", MFD_CLOEXEC);
        if (fd < 0 || ftruncate(fd, (off_t) ((size + PAGE - 1) / PAGE * PAGE)) != 0) {
            if (fd >= 0) {
                close(fd);
            }
            last_error = ERROR_NOT_ENOUGH_MEMORY;
            goto out;
        }
    } else {
        fs = slot_of(file);
        if (fs == NULL || fs->object->kind != K_FILE) {
            last_error = ERROR_INVALID_HANDLE;
            goto out;
        }
        struct stat st;
        fstat(fs->object->fd, &st);
        if (protect == PAGE_READWRITE && !fs->object->writable) {
            last_error = ERROR_ACCESS_DENIED;
            goto out;
        }
        if (size == 0) {
            size = (uint64_t) st.st_size;
            if (size == 0) {
                last_error = ERROR_FILE_INVALID;
                goto out;
            }
        } else if (size > (uint64_t) st.st_size) {
            if (!fs->object->writable) {
                last_error = ERROR_NOT_ENOUGH_MEMORY;
                goto out;
            }
            if (ftruncate(fs->object->fd, (off_t) size) != 0) {
                last_error = ERROR_DISK_FULL;
                goto out;
            }
        }
        fd = dup(fs->object->fd);
    }
    struct object *o = new_object(K_SECTION, key);
    key = NULL;
    o->fd = fd;
    o->size = size;
    o->protect = protect;
    if (fs != NULL) {
        o->file = fs->object;
        o->file->refs++;
    }
    result = new_handle(o, FILE_MAP_ALL_ACCESS);
    last_error = ERROR_SUCCESS;
out:
    free(key);
    pthread_mutex_unlock(&lock);
    return result;
}

WINAPI HANDLE OpenFileMappingW(DWORD access, BOOL inherit, LPCWSTR name) {
    (void) inherit;
    pthread_mutex_lock(&lock);
    HANDLE result = NULL;
    struct object *o = lookup_for_open(name, K_SECTION);
    if (o != NULL) {
        o->refs++;
        result = new_handle(o, access);
    }
    pthread_mutex_unlock(&lock);
    return result;
}

WINAPI LPVOID MapViewOfFile(HANDLE mapping, DWORD access, DWORD offsetHigh, DWORD offsetLow, SIZE_T bytes) {
    uint64_t offset = (uint64_t) offsetHigh << 32 | offsetLow;
    pthread_mutex_lock(&lock);
    void *result = NULL;
    struct handle_slot *s = slot_of(mapping);
    if (s == NULL || s->object->kind != K_SECTION) {
        last_error = ERROR_INVALID_HANDLE;
        goto out;
    }
    struct object *o = s->object;
    int write = (access & FILE_MAP_WRITE) != 0;
    if ((access & (FILE_MAP_READ | FILE_MAP_WRITE)) == 0) {
        last_error = ERROR_INVALID_PARAMETER;
        goto out;
    }
    if ((write && ((s->access & FILE_MAP_WRITE) == 0 || o->protect != PAGE_READWRITE))
            || (!write && (s->access & (FILE_MAP_READ | FILE_MAP_WRITE)) == 0)) {
        last_error = ERROR_ACCESS_DENIED;
        goto out;
    }
    if (offset % GRANULARITY != 0) {
        last_error = ERROR_MAPPED_ALIGNMENT;
        goto out;
    }
    if (offset >= o->size || bytes > o->size - offset) {
        last_error = offset >= o->size ? ERROR_INVALID_PARAMETER : ERROR_ACCESS_DENIED;
        goto out;
    }
    if (bytes == 0) {
        bytes = o->size - offset;
    }
    size_t length = (bytes + PAGE - 1) / PAGE * PAGE;
    int slot = -1;
    for (int i = 0; i < MAX_VIEWS && slot < 0; i++) {
        if (views[i].address == NULL) {
            slot = i;
        }
    }
    void *at = slot < 0 ? MAP_FAILED
            : mmap(NULL, length, PROT_READ | (write ? PROT_WRITE : 0), MAP_SHARED, o->fd, (off_t) offset);
    if (at == MAP_FAILED) {
        last_error = ERROR_NOT_ENOUGH_MEMORY;
        goto out;
    }
    views[slot] = (struct view) {at, length, o, write};
    o->refs++;
    result = at;
    last_error = ERROR_SUCCESS;
out:
    pthread_mutex_unlock(&lock);
    return result;
}

static struct view *view_at(LPCVOID address) {
    for (int i = 0; i < MAX_VIEWS; i++) {
        if (views[i].address != NULL && (const char *) address >= views[i].address
                && (const char *) address < views[i].address + views[i].length) {
            return &views[i];
        }
    }
    return NULL;
}

WINAPI BOOL UnmapViewOfFile(LPCVOID base) {
    pthread_mutex_lock(&lock);
    struct view *v = view_at(base);
    if (v == NULL) {
        pthread_mutex_unlock(&lock);
        return fail_bool(ERROR_INVALID_ADDRESS);
    }
    munmap(v->address, v->length);
    release(v->section);
    *v = (struct view) {0};
    pthread_mutex_unlock(&lock);
    return TRUE;
}

WINAPI SIZE_T VirtualQuery(LPCVOID address, MEMORY_BASIC_INFORMATION *info, SIZE_T length) {
    if (length < sizeof *info) {
        last_error = ERROR_INSUFFICIENT_BUFFER;
        return 0;
    }
    pthread_mutex_lock(&lock);
    struct view *v = view_at(address);
    if (v == NULL) {
        pthread_mutex_unlock(&lock);
        last_error = ERROR_INVALID_PARAMETER;
        return 0;
    }
    char *page = (char *) ((uintptr_t) address / PAGE * PAGE);
    memset(info, 0, sizeof *info);
    info->BaseAddress = page;
    info->AllocationBase = v->address;
    info->AllocationProtect = v->writable ? PAGE_READWRITE : PAGE_READONLY;
    info->RegionSize = (SIZE_T) (v->address + v->length - page);
    info->State = MEM_COMMIT;
    info->Protect = info->AllocationProtect;
    info->Type = MEM_MAPPED;
    pthread_mutex_unlock(&lock);
    return sizeof *info;
}

/* ------------------------------------------------------------------ files */

static char *utf8_of(LPCWSTR s) {
    size_t n = wlen(s);
    char *out = malloc(n * 3 + 1);
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned c = s[i];
        if (c < 0x80) {
            out[j++] = (char) c;
        } else if (c < 0x800) {
            out[j++] = (char) (0xC0 | c >> 6);
            out[j++] = (char) (0x80 | (c & 0x3F));
        } else {
            out[j++] = (char) (0xE0 | c >> 12);
            out[j++] = (char) (0x80 | (c >> 6 & 0x3F));
            out[j++] = (char) (0x80 | (c & 0x3F));
        }
    }
    out[j] = 0;
    return out;
}

static DWORD error_of_errno(int e, const char *path) {
    switch (e) {
    case ENOENT: {
        /* a missing directory on the way is "path not found" */
        char *copy = strdup(path);
        char *slash = strrchr(copy, '/');
        int parent = 1;
        if (slash != NULL && slash != copy) {
            *slash = 0;
            parent = access(copy, F_OK) == 0;
        }
        free(copy);
        return parent ? ERROR_FILE_NOT_FOUND : ERROR_PATH_NOT_FOUND;
    }
    case EEXIST: return ERROR_FILE_EXISTS;
    case EACCES: case EPERM: case EISDIR: case EROFS: return ERROR_ACCESS_DENIED;
    case ENAMETOOLONG: return ERROR_FILENAME_EXCED_RANGE;
    case ENOSPC: case EDQUOT: return ERROR_DISK_FULL;
    default: return ERROR_GEN_FAILURE;
    }
}

WINAPI HANDLE CreateFileW(LPCWSTR path, DWORD access, DWORD share, void *attributes, DWORD disposition,
                          DWORD flags, HANDLE templateFile) {
    (void) share; (void) attributes; (void) flags; (void) templateFile;
    int writable = (access & GENERIC_WRITE) != 0;
    int oflags = (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC;
    switch (disposition) {
    case CREATE_NEW: oflags |= O_CREAT | O_EXCL; break;
    case CREATE_ALWAYS: oflags |= O_CREAT | O_TRUNC; break;
    case OPEN_EXISTING: break;
    case OPEN_ALWAYS: oflags |= O_CREAT; break;
    default:
        last_error = ERROR_INVALID_PARAMETER;
        return INVALID_HANDLE_VALUE;
    }
    char *p = utf8_of(path);
    int fd = open(p, oflags, 0600);
    if (fd < 0) {
        last_error = error_of_errno(errno, p);
        free(p);
        return INVALID_HANDLE_VALUE;
    }
    free(p);
    pthread_mutex_lock(&lock);
    struct object *o = new_object(K_FILE, NULL);
    o->fd = fd;
    o->writable = writable;
    HANDLE h = new_handle(o, access);
    pthread_mutex_unlock(&lock);
    last_error = ERROR_SUCCESS;
    return h;
}

WINAPI BOOL GetFileSizeEx(HANDLE file, LARGE_INTEGER *size) {
    pthread_mutex_lock(&lock);
    struct handle_slot *s = slot_of(file);
    struct stat st;
    BOOL ok = s != NULL && s->object->kind == K_FILE && fstat(s->object->fd, &st) == 0;
    pthread_mutex_unlock(&lock);
    if (!ok) {
        return fail_bool(ERROR_INVALID_HANDLE);
    }
    size->QuadPart = st.st_size;
    return TRUE;
}

/* ------------------------------------------------------------------ semaphores */

WINAPI HANDLE CreateSemaphoreW(void *attributes, LONG initial, LONG maximum, LPCWSTR name) {
    (void) attributes;
    if (maximum <= 0 || initial < 0 || initial > maximum) {
        return fail(ERROR_INVALID_PARAMETER);
    }
    pthread_mutex_lock(&lock);
    HANDLE result = NULL;
    WCHAR *key;
    struct object *existing;
    int found = lookup_for_create(name, K_SEMAPHORE, &key, &existing);
    if (found > 0) {
        result = new_handle(existing, SEMAPHORE_ALL_ACCESS);
        last_error = ERROR_ALREADY_EXISTS;
    } else if (found == 0) {
        struct object *o = new_object(K_SEMAPHORE, key);
        o->count = initial;
        o->max = maximum;
        result = new_handle(o, SEMAPHORE_ALL_ACCESS);
        last_error = ERROR_SUCCESS;
    }
    pthread_mutex_unlock(&lock);
    return result;
}

WINAPI HANDLE OpenSemaphoreW(DWORD access, BOOL inherit, LPCWSTR name) {
    (void) inherit;
    pthread_mutex_lock(&lock);
    HANDLE result = NULL;
    struct object *o = lookup_for_open(name, K_SEMAPHORE);
    if (o != NULL) {
        o->refs++;
        result = new_handle(o, access);
    }
    pthread_mutex_unlock(&lock);
    return result;
}

WINAPI BOOL ReleaseSemaphore(HANDLE semaphore, LONG count, LONG *previous) {
    pthread_mutex_lock(&lock);
    struct handle_slot *s = slot_of(semaphore);
    BOOL ok = FALSE;
    if (s == NULL || s->object->kind != K_SEMAPHORE) {
        last_error = ERROR_INVALID_HANDLE;
    } else if ((s->access & SEMAPHORE_MODIFY_STATE) == 0) {
        last_error = ERROR_ACCESS_DENIED;
    } else if (count <= 0) {
        last_error = ERROR_INVALID_PARAMETER;
    } else if (count > s->object->max - s->object->count) {
        last_error = ERROR_TOO_MANY_POSTS;
    } else {
        if (previous != NULL) {
            *previous = s->object->count;
        }
        s->object->count += count;
        pthread_cond_broadcast(&released);
        ok = TRUE;
    }
    pthread_mutex_unlock(&lock);
    return ok;
}

/* ------------------------------------------------------------------ processes */

/* Reads the state and start time (clock ticks since boot) of a process; 0 if there is none. */
static int read_process(pid_t pid, char *state, unsigned long long *start) {
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int) pid);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return 0;
    }
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *close_paren = strrchr(buf, ')');
    if (close_paren == NULL) {
        return 0;
    }
    char *p = close_paren + 2;
    *state = *p;
    for (int field = 3; field < 22 && p; field++) {
        p = strchr(p, ' ');
        if (p) {
            p++;
        }
    }
    if (p == NULL) {
        return 0;
    }
    *start = strtoull(p, NULL, 10);
    return 1;
}

static int running(struct object *o) {
    char state;
    unsigned long long start;
    return read_process(o->pid, &state, &start) && start == o->start && state != 'Z' && state != 'X';
}

WINAPI HANDLE OpenProcess(DWORD access, BOOL inherit, DWORD pid) {
    (void) inherit;
    char state;
    unsigned long long start;
    if (pid == 0 || !read_process((pid_t) pid, &state, &start)) {
        return fail(ERROR_INVALID_PARAMETER);
    }
    pthread_mutex_lock(&lock);
    struct object *o = new_object(K_PROCESS, NULL);
    o->pid = (pid_t) pid;
    o->start = start;
    HANDLE h = new_handle(o, access);
    pthread_mutex_unlock(&lock);
    last_error = ERROR_SUCCESS;
    return h;
}

static struct object *process_of(HANDLE h) {
    pthread_mutex_lock(&lock);
    struct handle_slot *s = slot_of(h);
    struct object *o = s != NULL && s->object->kind == K_PROCESS ? s->object : NULL;
    pthread_mutex_unlock(&lock);
    return o;
}

WINAPI BOOL GetExitCodeProcess(HANDLE process, DWORD *code) {
    struct object *o = process_of(process);
    if (o == NULL) {
        return fail_bool(ERROR_INVALID_HANDLE);
    }
    *code = running(o) ? STILL_ACTIVE : 0; /* the fake does not know a dead process's exit code */
    return TRUE;
}

WINAPI BOOL GetProcessTimes(HANDLE process, FILETIME *creation, FILETIME *exit, FILETIME *kernel, FILETIME *user) {
    struct object *o = process_of(process);
    if (o == NULL) {
        return fail_bool(ERROR_INVALID_HANDLE);
    }
    /* boot time (seconds since 1970, /proc/stat btime) + start ticks, in 100 ns units since 1601 */
    unsigned long long boot = 0;
    char line[256];
    FILE *f = fopen("/proc/stat", "r");
    while (f != NULL && fgets(line, sizeof line, f)) {
        if (strncmp(line, "btime ", 6) == 0) {
            boot = strtoull(line + 6, NULL, 10);
        }
    }
    if (f != NULL) {
        fclose(f);
    }
    long hz = sysconf(_SC_CLK_TCK);
    uint64_t t = (boot + 11644473600ull) * 10000000ull + o->start * (10000000ull / (uint64_t) (hz > 0 ? hz : 100));
    creation->dwLowDateTime = (DWORD) t;
    creation->dwHighDateTime = (DWORD) (t >> 32);
    memset(exit, 0, sizeof *exit);
    memset(kernel, 0, sizeof *kernel);
    memset(user, 0, sizeof *user);
    return TRUE;
}

WINAPI DWORD GetCurrentProcessId(void) { return (DWORD) getpid(); }

/* ------------------------------------------------------------------ waiting */

/* The monotonic time millis from now. */
static struct timespec later(DWORD millis) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    t.tv_sec += millis / 1000;
    t.tv_nsec += (long) (millis % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

static int before(const struct timespec *a, const struct timespec *b) {
    return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

WINAPI DWORD WaitForSingleObject(HANDLE handle, DWORD millis) {
    struct timespec deadline = later(millis == INFINITE ? 0 : millis);
    pthread_mutex_lock(&lock);
    struct handle_slot *s = slot_of(handle);
    if (s == NULL || (s->object->kind != K_SEMAPHORE && s->object->kind != K_PROCESS)) {
        pthread_mutex_unlock(&lock);
        last_error = ERROR_INVALID_HANDLE;
        return WAIT_FAILED;
    }
    struct object *o = s->object;
    o->refs++; /* held while waiting, even if the handle is closed meanwhile */
    DWORD result = WAIT_OBJECT_0;
    int blocked = 0;
    while (o->kind == K_SEMAPHORE ? o->count == 0 : running(o)) {
        if (millis == 0) {
            result = WAIT_TIMEOUT;
            break;
        }
        if (o->kind == K_PROCESS) {
            /* no notification of another process's exit: look again every millisecond */
            struct timespec step = later(1);
            if (millis != INFINITE && before(&deadline, &step)) {
                step = deadline;
            }
            pthread_cond_timedwait(&released, &lock, &step);
            struct timespec now = later(0);
            if (millis != INFINITE && !before(&now, &deadline) && running(o)) {
                result = WAIT_TIMEOUT;
                break;
            }
            continue;
        }
        blocked = 1;
        sleepers++;
        int rc = millis == INFINITE ? pthread_cond_wait(&released, &lock)
                : pthread_cond_timedwait(&released, &lock, &deadline);
        sleepers--;
        if (rc == ETIMEDOUT && o->count == 0) {
            result = WAIT_TIMEOUT;
            break;
        }
    }
    if (result == WAIT_OBJECT_0 && o->kind == K_SEMAPHORE) {
        o->count--;
        woken += blocked;
    }
    release(o);
    pthread_mutex_unlock(&lock);
    return result;
}

/* ------------------------------------------------------------------ the system */

WINAPI void GetSystemInfo(SYSTEM_INFO *info) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    memset(info, 0, sizeof *info);
    info->wProcessorArchitecture = 9; /* PROCESSOR_ARCHITECTURE_AMD64 */
    info->dwPageSize = PAGE;
    info->lpMinimumApplicationAddress = (LPVOID) (uintptr_t) 0x10000;
    info->lpMaximumApplicationAddress = (LPVOID) (uintptr_t) 0x7FFFFFFEFFFFull;
    info->dwNumberOfProcessors = (DWORD) (n > 0 ? n : 1);
    info->dwActiveProcessorMask = info->dwNumberOfProcessors >= 64 ? ~0ull : (1ull << info->dwNumberOfProcessors) - 1;
    info->dwProcessorType = 8664; /* PROCESSOR_AMD_X8664 */
    info->dwAllocationGranularity = GRANULARITY;
    info->wProcessorLevel = 6;
}

static const struct {
    DWORD code;
    const char *text;
} messages[] = {
    {ERROR_SUCCESS, "The operation completed successfully."},
    {ERROR_FILE_NOT_FOUND, "The system cannot find the file specified."},
    {ERROR_PATH_NOT_FOUND, "The system cannot find the path specified."},
    {ERROR_ACCESS_DENIED, "Access is denied."},
    {ERROR_INVALID_HANDLE, "The handle is invalid."},
    {ERROR_NOT_ENOUGH_MEMORY, "Not enough memory resources are available to process this command."},
    {ERROR_GEN_FAILURE, "A device attached to the system is not functioning."},
    {ERROR_FILE_EXISTS, "The file exists."},
    {ERROR_INVALID_PARAMETER, "The parameter is incorrect."},
    {ERROR_DISK_FULL, "There is not enough space on the disk."},
    {ERROR_INSUFFICIENT_BUFFER, "The data area passed to a system call is too small."},
    {ERROR_INVALID_NAME, "The filename, directory name, or volume label syntax is incorrect."},
    {ERROR_BAD_PATHNAME, "The specified path is invalid."},
    {ERROR_ALREADY_EXISTS, "Cannot create a file when that file already exists."},
    {ERROR_FILENAME_EXCED_RANGE, "The filename or extension is too long."},
    {ERROR_TOO_MANY_POSTS, "Too many posts were made to a semaphore."},
    {ERROR_FILE_INVALID, "The volume for a file has been externally altered so that the opened file is no longer valid."},
    {ERROR_MAPPED_ALIGNMENT, "The base address or the file offset specified does not have the proper alignment."},
    {ERROR_PRIVILEGE_NOT_HELD, "A required privilege is not held by the client."},
    {ERROR_COMMITMENT_LIMIT, "The paging file is too small for this operation to complete."},
    {ERROR_INVALID_ADDRESS, "Attempt to access invalid address."},
};

WINAPI DWORD FormatMessageW(DWORD flags, LPCVOID source, DWORD id, DWORD language, LPWSTR buffer, DWORD size,
                            void *arguments) {
    (void) source; (void) language; (void) arguments;
    if ((flags & FORMAT_MESSAGE_FROM_SYSTEM) == 0 || buffer == NULL) {
        last_error = ERROR_INVALID_PARAMETER;
        return 0;
    }
    for (size_t i = 0; i < sizeof messages / sizeof messages[0]; i++) {
        if (messages[i].code == id) {
            size_t n = strlen(messages[i].text);
            if (n + 3 > size) {
                last_error = ERROR_INSUFFICIENT_BUFFER;
                return 0;
            }
            for (size_t j = 0; j < n; j++) {
                buffer[j] = (WCHAR) messages[i].text[j];
            }
            buffer[n] = '\r';
            buffer[n + 1] = '\n';
            buffer[n + 2] = 0;
            return (DWORD) n + 2;
        }
    }
    last_error = ERROR_MR_MID_NOT_FOUND;
    return 0;
}
