/*
 * The Win32 calls of jshm's Windows backend, in the order and with the edge cases it relies on,
 * printing what each returns. Built twice by WineComparisonTest: with x86_64-w64-mingw32-gcc and run
 * under Wine (against Wine's kernel32), and with gcc against the fake kernel32 (fake_kernel32.c).
 * The two outputs must be the same line for line, which holds the fake to Windows' behaviour.
 *
 * Usage: win32_probe <unique prefix>; run in an empty directory (it makes files there).
 * Only results that must not vary between runs are printed (no addresses, pids or times).
 */
#include "win32_api.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const char *prefix;

/* L"Local\<prefix><suffix>" (or another namespace) in a static buffer: one live at a time per slot. */
static LPCWSTR wname(int slot, const char *ns, const char *suffix) {
    static WCHAR buffers[4][300];
    char narrow[300];
    snprintf(narrow, sizeof narrow, "%s%s%s", ns, prefix, suffix);
    size_t i = 0;
    for (; narrow[i]; i++) {
        buffers[slot][i] = (WCHAR) (unsigned char) narrow[i];
    }
    buffers[slot][i] = 0;
    return buffers[slot];
}

static void result(const char *what, int ok) {
    if (ok) {
        printf("%s: ok\n", what);
    } else {
        printf("%s: failed %lu\n", what, (unsigned long) GetLastError());
    }
}

/* For the calls whose last error means something after success too (ERROR_ALREADY_EXISTS). */
static void created(const char *what, HANDLE h) {
    printf("%s: %s %lu\n", what, h != NULL ? "ok" : "failed", (unsigned long) GetLastError());
}

static void region_size(const char *what, LPCVOID address) {
    MEMORY_BASIC_INFORMATION info;
    SIZE_T n = VirtualQuery(address, &info, sizeof info);
    printf("%s: size=%llu protect=%lu state=%lu type=%lu base=%d\n", what, (unsigned long long) info.RegionSize,
           (unsigned long) info.Protect, (unsigned long) info.State, (unsigned long) info.Type,
           n == sizeof info && info.AllocationBase == address);
}

/*
 * Whether the system has a text for a code, and how it ends. Not the text itself: Wine's message
 * table words them its own way ("File not found."), the fake has Windows' ("The system cannot find
 * the file specified.").
 */
static void message(DWORD code) {
    WCHAR buffer[512];
    DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, code, 0, buffer, 512, NULL);
    printf("message %lu: text=%d crlf=%d\n", (unsigned long) code, n > 2,
           n >= 2 && buffer[n - 2] == '\r' && buffer[n - 1] == '\n');
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: win32_probe <prefix>\n");
        return 2;
    }
    prefix = argv[1];
    setvbuf(stdout, NULL, _IONBF, 0);

    SYSTEM_INFO si;
    GetSystemInfo(&si);
    printf("system: page=%lu granularity=%lu\n", (unsigned long) si.dwPageSize, (unsigned long) si.dwAllocationGranularity);

    /* create, create again, open */
    SetLastError(0);
    HANDLE a = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 100000, wname(0, "Local\\", "-a"));
    created("create new", a);
    HANDLE again = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 5000, wname(0, "Local\\", "-a"));
    created("create existing", again);
    HANDLE opened = OpenFileMappingW(FILE_MAP_ALL_ACCESS, FALSE, wname(0, "Local\\", "-a"));
    result("open existing", opened != NULL);
    result("open missing", OpenFileMappingW(FILE_MAP_ALL_ACCESS, FALSE, wname(1, "Local\\", "-missing")) != NULL);
    result("open unprefixed", OpenFileMappingW(FILE_MAP_READ, FALSE, wname(1, "", "-missing")) != NULL);

    /* views: alignment, rounding, sharing, bounds */
    result("map unaligned", MapViewOfFile(a, FILE_MAP_WRITE, 0, 4096, 100) != NULL);
    char *part = MapViewOfFile(a, FILE_MAP_WRITE, 0, 65536, 100);
    result("map aligned", part != NULL);
    region_size("aligned view", part);
    char *whole = MapViewOfFile(opened, FILE_MAP_WRITE, 0, 0, 0);
    result("map whole", whole != NULL);
    region_size("whole view", whole);
    region_size("whole view inside", whole + 5000);
    char *existing = MapViewOfFile(again, FILE_MAP_READ, 0, 0, 0);
    region_size("view of the existing handle", existing);
    part[10] = 42;
    printf("shared bytes: %d\n", whole[65536 + 10] == 42 && existing[65536 + 10] == 42);
    result("map past the end", MapViewOfFile(a, FILE_MAP_WRITE, 0, 0, 200000) != NULL);
    result("map from past the end", MapViewOfFile(a, FILE_MAP_WRITE, 0, 131072, 0) != NULL);
    result("map from past the end, sized", MapViewOfFile(a, FILE_MAP_WRITE, 0, 131072, 10) != NULL);

    /* read-only */
    HANDLE reader = OpenFileMappingW(FILE_MAP_READ, FALSE, wname(0, "Local\\", "-a"));
    result("open read-only", reader != NULL);
    result("map read-only for writing", MapViewOfFile(reader, FILE_MAP_WRITE, 0, 0, 0) != NULL);
    char *ro = MapViewOfFile(reader, FILE_MAP_READ, 0, 0, 4096);
    result("map read-only", ro != NULL);
    region_size("read-only view", ro);

    /* names, sizes */
    created("create with a backslash", CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096,
                                                          wname(1, "Local\\", "\\x")));
    SetLastError(0);
    created("create size 0", CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 0, wname(1, "Local\\", "-zero")));
    SetLastError(0);
    created("create 1 PiB", CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0x40000, 0, wname(1, "Local\\", "-huge")));
    created("semaphore over a mapping's name", CreateSemaphoreW(NULL, 0, 1, wname(1, "Local\\", "-a")));
    result("open a mapping's name as a semaphore", OpenSemaphoreW(SEMAPHORE_MODIFY_STATE, FALSE, wname(1, "Local\\", "-a")) != NULL);

    /* semaphores */
    SetLastError(0);
    HANDLE s = CreateSemaphoreW(NULL, 0, 10, wname(1, "Local\\", "-s"));
    created("semaphore new", s);
    HANDLE s2 = CreateSemaphoreW(NULL, 0, 10, wname(1, "Local\\", "-s"));
    created("semaphore existing", s2);
    result("mapping over a semaphore's name", OpenFileMappingW(FILE_MAP_READ, FALSE, wname(1, "Local\\", "-s")) != NULL);
    printf("wait empty: %lu\n", (unsigned long) WaitForSingleObject(s, 0));
    LONG previous = -1;
    result("release 2", ReleaseSemaphore(s2, 2, &previous));
    printf("previous count: %ld\n", (long) previous);
    printf("wait 1: %lu\n", (unsigned long) WaitForSingleObject(s, 0));
    printf("wait 2: %lu\n", (unsigned long) WaitForSingleObject(s2, 10));
    printf("wait 3: %lu\n", (unsigned long) WaitForSingleObject(s, 0));
    result("release past the maximum", ReleaseSemaphore(s, 11, NULL));
    result("open missing semaphore", OpenSemaphoreW(SEMAPHORE_MODIFY_STATE, FALSE, wname(1, "Local\\", "-nosem")) != NULL);
    HANDLE s3 = OpenSemaphoreW(SEMAPHORE_MODIFY_STATE | SYNCHRONIZE, FALSE, wname(1, "Local\\", "-s"));
    result("open semaphore", s3 != NULL);
    CloseHandle(s);
    CloseHandle(s2);
    CloseHandle(s3);
    result("semaphore gone after last close", OpenSemaphoreW(SEMAPHORE_MODIFY_STATE, FALSE, wname(1, "Local\\", "-s")) != NULL);

    /* lifetime: views hold the mapping; the last handle or view removes it and its name */
    result("close a", CloseHandle(a));
    result("close again", CloseHandle(again));
    result("close opened", CloseHandle(opened));
    result("close reader", CloseHandle(reader));
    HANDLE held = OpenFileMappingW(FILE_MAP_READ, FALSE, wname(0, "Local\\", "-a"));
    result("open while only views hold it", held != NULL);
    CloseHandle(held);
    printf("bytes after the handles closed: %d\n", whole[65536 + 10]);
    result("unmap part", UnmapViewOfFile(part));
    result("unmap whole", UnmapViewOfFile(whole));
    result("unmap existing", UnmapViewOfFile(existing));
    result("unmap read-only", UnmapViewOfFile(ro));
    result("open after the last view", OpenFileMappingW(FILE_MAP_READ, FALSE, wname(0, "Local\\", "-a")) != NULL);
    SetLastError(0);
    HANDLE fresh = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, wname(0, "Local\\", "-a"));
    created("create after the last close", fresh);
    char *zeroed = MapViewOfFile(fresh, FILE_MAP_READ, 0, 0, 0);
    printf("new mapping is zeroed: %d\n", zeroed != NULL && zeroed[10] == 0 && zeroed[4095] == 0);
    UnmapViewOfFile(zeroed);
    CloseHandle(fresh);
    result("close an invalid handle", CloseHandle((HANDLE) (uintptr_t) 0x12340));

    /* files */
    char file_name[64];
    snprintf(file_name, sizeof file_name, "%s.bin", prefix);
    WCHAR wfile[64];
    size_t i = 0;
    for (; file_name[i]; i++) {
        wfile[i] = (WCHAR) file_name[i];
    }
    wfile[i] = 0;
    HANDLE f = CreateFileW(wfile, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                           NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
    result("file create new", f != INVALID_HANDLE_VALUE);
    HANDLE f2 = CreateFileW(wfile, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                            NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
    result("file create existing", f2 != INVALID_HANDLE_VALUE);
    result("file open missing", CreateFileW((LPCWSTR) u"no-such-file.bin", GENERIC_READ, FILE_SHARE_READ, NULL,
                                            OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL) != INVALID_HANDLE_VALUE);
    result("file open in a missing directory", CreateFileW((LPCWSTR) u"no-such-dir/file.bin", GENERIC_READ,
                                                           FILE_SHARE_READ, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL,
                                                           NULL) != INVALID_HANDLE_VALUE);
    result("map an empty file", CreateFileMappingW(f, NULL, PAGE_READWRITE, 0, 0, NULL) != NULL);
    HANDLE fm = CreateFileMappingW(f, NULL, PAGE_READWRITE, 0, 10000, NULL);
    result("map a file, sized", fm != NULL);
    LARGE_INTEGER size;
    result("file size", GetFileSizeEx(f, &size));
    printf("file size after mapping: %lld\n", (long long) size.QuadPart);
    char *fv = MapViewOfFile(fm, FILE_MAP_WRITE, 0, 0, 0);
    region_size("file view", fv);
    fv[9999] = 7;
    UnmapViewOfFile(fv);
    CloseHandle(fm);
    CloseHandle(f);
    HANDLE fr = CreateFileW(wfile, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                            OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    result("file open read-only", fr != INVALID_HANDLE_VALUE);
    result("map a read-only file for writing", CreateFileMappingW(fr, NULL, PAGE_READWRITE, 0, 0, NULL) != NULL);
    HANDLE frm = CreateFileMappingW(fr, NULL, PAGE_READONLY, 0, 0, NULL);
    result("map a read-only file", frm != NULL);
    char *frv = MapViewOfFile(frm, FILE_MAP_READ, 0, 0, 0);
    printf("file byte: %d\n", frv != NULL ? frv[9999] : -1);
    result("map a read-only file's mapping for writing", MapViewOfFile(frm, FILE_MAP_WRITE, 0, 0, 0) != NULL);
    UnmapViewOfFile(frv);
    CloseHandle(frm);
    CloseHandle(fr);

    /* processes */
    HANDLE me = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, GetCurrentProcessId());
    result("open this process", me != NULL);
    DWORD code = 0;
    result("exit code", GetExitCodeProcess(me, &code));
    printf("still active: %d\n", code == STILL_ACTIVE);
    FILETIME created_at, exited_at, kernel, user;
    result("process times", GetProcessTimes(me, &created_at, &exited_at, &kernel, &user));
    printf("creation time set: %d\n", created_at.dwHighDateTime != 0);
    CloseHandle(me);
    result("open no process", OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, 0) != NULL);

    /* messages */
    DWORD codes[] = {ERROR_FILE_NOT_FOUND, ERROR_ACCESS_DENIED, ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER,
                     ERROR_ALREADY_EXISTS, ERROR_MAPPED_ALIGNMENT, ERROR_COMMITMENT_LIMIT, ERROR_FILE_INVALID};
    for (size_t c = 0; c < sizeof codes / sizeof codes[0]; c++) {
        message(codes[c]);
    }
    WCHAR small[4];
    SetLastError(0);
    DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, ERROR_FILE_NOT_FOUND, 0,
                             small, 4, NULL);
    printf("message into a small buffer: %lu error %lu\n", (unsigned long) n, (unsigned long) GetLastError());
    n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, 0x7ABC, 0, small, 4, NULL);
    printf("message of an unknown code: %lu error %lu\n", (unsigned long) n, (unsigned long) GetLastError());
    return 0;
}
