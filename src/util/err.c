/* SPDX-License-Identifier: MIT */
/* Messages and names for the codes of err.h. */
#include "util/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *ig_strerror(int code)
{
    if (code == 0)
        return "success";
    if (code < 0 && code > -4096)
        return strerror(-code);
    switch (code) {
#define IG_ERR_MSG(name, value, msg)                                         \
    case value:                                                              \
        return msg;
        IG_ERR_MAP(IG_ERR_MSG)
#undef IG_ERR_MSG
    default:
        return "unknown error";
    }
}

int ig_err_said(int status, const char *reason)
{
    return reason && *reason && strstr(reason, ig_strerror(status)) != NULL;
}

const char *ig_err_name(int code)
{
    if (code == 0)
        return "IG_OK";
    switch (code) {
#define IG_ERR_NAME(name, value, msg)                                        \
    case value:                                                              \
        return #name;
        IG_ERR_MAP(IG_ERR_NAME)
#undef IG_ERR_NAME
    case -ENOMEM:
        return "ENOMEM";
    case -ENOENT:
        return "ENOENT";
    case -EINVAL:
        return "EINVAL";
    case -EIO:
        return "EIO";
    case -EACCES:
        return "EACCES";
    case -EAGAIN:
        return "EAGAIN";
    default:
        return "UNKNOWN";
    }
}

int ig_err_is_trap(int code)
{
    return code <= -7000 && code > -8000;
}

void ig_err_set(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (!err || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}
