/*
 * The part of the Win32 API that jshm's Windows backend uses. With mingw-w64 (_WIN32) this is
 * <windows.h>; on Linux it declares the same types, constants and functions, with the Windows x64
 * calling convention (ms_abi), for the fake kernel32 (fake_kernel32.c) and for the probe
 * (win32_probe.c) built against it. Layouts are those of x64 Windows.
 */
#ifndef JSHM_WIN32_API_H
#define JSHM_WIN32_API_H

#ifdef _WIN32
#include <windows.h>
#else
#include <stdint.h>

#define WINAPI __attribute__((ms_abi))

typedef uint32_t DWORD;
typedef int32_t BOOL;
typedef int32_t LONG;
typedef uint16_t WORD;
typedef uint16_t WCHAR;
typedef void *HANDLE;
typedef void *LPVOID;
typedef const void *LPCVOID;
typedef const WCHAR *LPCWSTR;
typedef WCHAR *LPWSTR;
typedef uint64_t SIZE_T;
typedef uint64_t DWORD_PTR;
typedef int64_t LONGLONG;

typedef union {
    struct {
        DWORD LowPart;
        LONG HighPart;
    } u;
    LONGLONG QuadPart;
} LARGE_INTEGER;

typedef struct {
    DWORD dwLowDateTime;
    DWORD dwHighDateTime;
} FILETIME;

typedef struct {
    WORD wProcessorArchitecture;
    WORD wReserved;
    DWORD dwPageSize;
    LPVOID lpMinimumApplicationAddress;
    LPVOID lpMaximumApplicationAddress;
    DWORD_PTR dwActiveProcessorMask;
    DWORD dwNumberOfProcessors;
    DWORD dwProcessorType;
    DWORD dwAllocationGranularity;
    WORD wProcessorLevel;
    WORD wProcessorRevision;
} SYSTEM_INFO;

typedef struct {
    LPVOID BaseAddress;
    LPVOID AllocationBase;
    DWORD AllocationProtect;
    WORD PartitionId;
    SIZE_T RegionSize;
    DWORD State;
    DWORD Protect;
    DWORD Type;
} MEMORY_BASIC_INFORMATION;

#define TRUE 1
#define FALSE 0
#define INVALID_HANDLE_VALUE ((HANDLE) (intptr_t) -1)
#define INFINITE 0xFFFFFFFFu

#define ERROR_SUCCESS 0
#define ERROR_FILE_NOT_FOUND 2
#define ERROR_PATH_NOT_FOUND 3
#define ERROR_ACCESS_DENIED 5
#define ERROR_INVALID_HANDLE 6
#define ERROR_NOT_ENOUGH_MEMORY 8
#define ERROR_GEN_FAILURE 31
#define ERROR_FILE_EXISTS 80
#define ERROR_INVALID_PARAMETER 87
#define ERROR_DISK_FULL 112
#define ERROR_INSUFFICIENT_BUFFER 122
#define ERROR_INVALID_NAME 123
#define ERROR_BAD_PATHNAME 161
#define ERROR_ALREADY_EXISTS 183
#define ERROR_FILENAME_EXCED_RANGE 206
#define ERROR_TOO_MANY_POSTS 298
#define ERROR_MR_MID_NOT_FOUND 317
#define ERROR_INVALID_ADDRESS 487
#define ERROR_FILE_INVALID 1006
#define ERROR_MAPPED_ALIGNMENT 1132
#define ERROR_PRIVILEGE_NOT_HELD 1314
#define ERROR_COMMITMENT_LIMIT 1455

#define PAGE_READONLY 0x02
#define PAGE_READWRITE 0x04
#define FILE_MAP_WRITE 0x0002
#define FILE_MAP_READ 0x0004
#define FILE_MAP_ALL_ACCESS 0x000F001F
#define GENERIC_READ 0x80000000u
#define GENERIC_WRITE 0x40000000u
#define FILE_SHARE_READ 0x1
#define FILE_SHARE_WRITE 0x2
#define FILE_SHARE_DELETE 0x4
#define CREATE_NEW 1
#define CREATE_ALWAYS 2
#define OPEN_EXISTING 3
#define OPEN_ALWAYS 4
#define FILE_ATTRIBUTE_NORMAL 0x80
#define FILE_FLAG_DELETE_ON_CLOSE 0x04000000
#define MEM_COMMIT 0x1000
#define MEM_MAPPED 0x40000
#define SEMAPHORE_MODIFY_STATE 0x0002
#define SYNCHRONIZE 0x00100000
#define SEMAPHORE_ALL_ACCESS 0x001F0003
#define WAIT_OBJECT_0 0
#define WAIT_TIMEOUT 0x102
#define WAIT_FAILED 0xFFFFFFFFu
#define PROCESS_QUERY_LIMITED_INFORMATION 0x1000
#define STILL_ACTIVE 259
#define FORMAT_MESSAGE_IGNORE_INSERTS 0x200
#define FORMAT_MESSAGE_FROM_SYSTEM 0x1000

WINAPI HANDLE CreateFileMappingW(HANDLE file, void *attributes, DWORD protect, DWORD sizeHigh, DWORD sizeLow, LPCWSTR name);
WINAPI HANDLE OpenFileMappingW(DWORD access, BOOL inherit, LPCWSTR name);
WINAPI LPVOID MapViewOfFile(HANDLE mapping, DWORD access, DWORD offsetHigh, DWORD offsetLow, SIZE_T bytes);
WINAPI BOOL UnmapViewOfFile(LPCVOID base);
WINAPI BOOL CloseHandle(HANDLE handle);
WINAPI SIZE_T VirtualQuery(LPCVOID address, MEMORY_BASIC_INFORMATION *info, SIZE_T length);
WINAPI HANDLE CreateFileW(LPCWSTR path, DWORD access, DWORD share, void *attributes, DWORD disposition, DWORD flags, HANDLE templateFile);
WINAPI BOOL GetFileSizeEx(HANDLE file, LARGE_INTEGER *size);
WINAPI HANDLE CreateSemaphoreW(void *attributes, LONG initial, LONG maximum, LPCWSTR name);
WINAPI HANDLE OpenSemaphoreW(DWORD access, BOOL inherit, LPCWSTR name);
WINAPI BOOL ReleaseSemaphore(HANDLE semaphore, LONG count, LONG *previous);
WINAPI DWORD WaitForSingleObject(HANDLE handle, DWORD millis);
WINAPI HANDLE OpenProcess(DWORD access, BOOL inherit, DWORD pid);
WINAPI BOOL GetExitCodeProcess(HANDLE process, DWORD *code);
WINAPI BOOL GetProcessTimes(HANDLE process, FILETIME *creation, FILETIME *exit, FILETIME *kernel, FILETIME *user);
WINAPI DWORD GetCurrentProcessId(void);
WINAPI void GetSystemInfo(SYSTEM_INFO *info);
WINAPI DWORD GetLastError(void);
WINAPI void SetLastError(DWORD code);
WINAPI DWORD FormatMessageW(DWORD flags, LPCVOID source, DWORD id, DWORD language, LPWSTR buffer, DWORD size, void *arguments);
#endif

#endif
