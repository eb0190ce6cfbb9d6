/*
 * progress.c - the progress line on stderr (progress.h).
 *
 * The one rule: nothing is drawn unless stderr is a terminal and the user
 * did not ask for quiet; it never touches stdout.
 */
#include "convoysim/progress.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PROGRESS_EVERY_S 0.2 /* at most five updates a second */

double progress_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void progress_init(struct progress *p, const char *what, bool quiet)
{
  const char *nc = getenv("NO_COLOR");

  memset(p, 0, sizeof *p);
  p->f = !quiet && isatty(STDERR_FILENO) ? stderr : NULL;
  p->plain = nc != NULL && nc[0] != '\0';
  p->what = what;
  p->start = progress_now();
}

/* "12 s", "3 min 05 s", "2 h 07 min" */
static void duration(char *buf, size_t size, double s)
{
  if (!(s >= 0.0) || s > 1e7)
    snprintf(buf, size, "?");
  else if (s < 60.0)
    snprintf(buf, size, "%.0f s", s);
  else if (s < 3600.0)
    snprintf(buf, size, "%d min %02d s", (int)(s / 60.0), (int)s % 60);
  else
    snprintf(buf, size, "%d h %02d min", (int)(s / 3600.0), ((int)s % 3600) / 60);
}

void progress_format(char *buf, size_t size, const char *what, long done, long total,
                     double elapsed_s)
{
  char eta[32];
  double rate = elapsed_s > 0.0 ? (double)done / elapsed_s : 0.0;

  if (done >= total)
    duration(eta, sizeof eta, elapsed_s);
  else
    duration(eta, sizeof eta, rate > 0.0 ? (double)(total - done) / rate : -1.0);
  snprintf(buf, size, "%ld/%ld %s (%.0f%%), %.0f/s, %s %s", done, total, what,
           total > 0 ? 100.0 * (double)done / (double)total : 100.0, rate,
           done >= total ? "took" : "ETA", eta);
}

void progress_update(struct progress *p, long done, long total)
{
  char line[160];
  double now;
  int n;

  if (p->f == NULL)
    return;
  now = progress_now();
  if (done < total && now - p->last < PROGRESS_EVERY_S)
    return;
  p->last = now;
  progress_format(line, sizeof line, p->what, done, total, now - p->start);
  n = (int)strlen(line);
  if (p->plain)
    fprintf(p->f, "\r%s%*s", line, p->width > n ? p->width - n : 0, "");
  else
    fprintf(p->f, "\r%s\033[K", line);
  p->width = n;
  fflush(p->f);
}

void progress_end(struct progress *p)
{
  if (p->f == NULL || p->width == 0)
    return;
  if (p->plain)
    fprintf(p->f, "\r%*s\r", p->width, "");
  else
    fputs("\r\033[K", p->f);
  fflush(p->f);
  p->width = 0;
}
