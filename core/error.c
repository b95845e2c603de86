/* Errors as values: see include/vmlab/error.h. */
#include <stdio.h>
#include <string.h>

#include "vmlab/error.h"

int vm_error_setv(vm_error *err, int code, const char *fmt, va_list ap)
{
    if (err) {
        err->code = code;
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        /* one line: a message never carries a newline */
        for (char *p = err->msg; *p; p++)
            if (*p == '\n') *p = ' ';
    }
    return -1;
}

int vm_error_set(vm_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vm_error_setv(err, code, fmt, ap);
    va_end(ap);
    return -1;
}

void vm_error_clear(vm_error *err)
{
    if (err) {
        err->code = VM_OK;
        err->msg[0] = 0;
    }
}
