/*
 * vmlab errors are values. A function that can fail takes a `vm_error *`
 * (which may be NULL when the caller does not care), fills it with a code and a
 * one-line message that names the thing and the reason, and returns -1 (or
 * NULL). Library code never exits or aborts on bad input.
 */
#ifndef VMLAB_ERROR_H
#define VMLAB_ERROR_H

#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

enum vm_errcode {
    VM_OK = 0,
    VM_EINVAL,   /* bad argument or malformed input */
    VM_ENOMEM,   /* host or guest memory exhausted */
    VM_EIO,      /* a host file could not be read or written */
    VM_ENOEXEC,  /* not a program vmlab can run */
    VM_ENOTSUP,  /* valid but not implemented (the message says what) */
    VM_EFAULT,   /* a guest address is not mapped or not accessible */
};

typedef struct vm_error {
    int code;      /* enum vm_errcode */
    char msg[512]; /* one line, no trailing newline */
} vm_error;

/* Fill `err` (if not NULL) and return -1, so that `return vm_error_set(...)`
 * reports a failure in one line. */
int vm_error_set(vm_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int vm_error_setv(vm_error *err, int code, const char *fmt, va_list ap);
void vm_error_clear(vm_error *err);

#ifdef __cplusplus
}
#endif
#endif
