/* error.c - text and exit code of each enum err (one table: ERR_LIST). */
#include "convoysim/error.h"

const char *err_str(enum err e)
{
  switch (e) {
#define X(name, code, text) case ERR_##name: return text;
    ERR_LIST(X)
#undef X
  default:
    return "unknown error";
  }
}

int err_exit_code(enum err e)
{
  switch (e) {
#define X(name, code, text) case ERR_##name: return code;
    ERR_LIST(X)
#undef X
  default:
    return 70;
  }
}
