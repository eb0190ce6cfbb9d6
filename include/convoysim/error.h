/*
 * error.h - result codes of the library.
 *
 * Library code never exits or aborts: it returns an enum err and, for bad
 * scenario data, records every problem in a struct diag (diag.h).  Only the
 * command line turns these into sysexits.h exit codes (err_exit_code).
 * ERR_OK is 0, so `if (e) return e;` propagates.
 */
#ifndef CONVOYSIM_ERROR_H
#define CONVOYSIM_ERROR_H

#define ERR_LIST(X)                                         \
  X(OK,        0,  "success")                               \
  X(NOMEM,     70, "out of memory")                         \
  X(USAGE,     64, "usage error")                           \
  X(SCENARIO,  65, "scenario has errors")                   \
  X(NOINPUT,   66, "input file missing or unreadable")      \
  X(CANTCREAT, 73, "output cannot be created")              \
  X(IO,        74, "write failed")                          \
  X(LIMIT,     70, "a size limit was exceeded")             \
  X(INTERNAL,  70, "internal error")                      \
  X(INTERRUPTED, 130, "interrupted")

enum err {
#define X(name, code, text) ERR_##name,
  ERR_LIST(X)
#undef X
  ERR_COUNT_
};

/* A fixed English description of e ("out of memory"). */
const char *err_str(enum err e);

/* The sysexits.h code the command line exits with for e (0 for ERR_OK). */
int err_exit_code(enum err e);

#endif
