// axsc_impl.h - helpers shared by the shim's C++ files (not part of the C API).
#ifndef AXSIM_AXSC_IMPL_H
#define AXSIM_AXSC_IMPL_H

#include <cstddef>

// printf into an error buffer (err may be NULL).
void axsc_errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
// From inside a catch block: rethrow, write the message into err and
// return the AXSC_E* code for the exception in flight.
int axsc_catch(char *err, size_t errlen);

#endif
