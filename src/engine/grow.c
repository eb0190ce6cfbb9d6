/* grow.c - growth by doubling, with a cap (grow.h). */
#include "convoysim/grow.h"

#include <stdint.h>
#include <stdlib.h>

enum err grow(void **p, size_t *cap, size_t need, size_t size, size_t first, size_t max)
{
  size_t nc = *cap ? *cap : (first ? first : 1);
  void *q;

  if (need <= *cap)
    return ERR_OK;
  if (need > max || size == 0 || need > SIZE_MAX / size)
    return ERR_LIMIT;
  while (nc < need)
    nc = nc > SIZE_MAX / 2 ? need : 2 * nc;
  if (nc > max)
    nc = max;
  if (nc > SIZE_MAX / size)
    nc = need;
  q = realloc(*p, nc * size);
  if (q == NULL)
    return ERR_NOMEM;
  *p = q;
  *cap = nc;
  return ERR_OK;
}
