/*
 * network.c - road distances of the network, for the quick reaction force
 * (SPEC 4.2): a QRF team drives from the nearest base to the nearer end of
 * the road under attack.  Computed once per scenario, in model_new.
 */
#include "model_int.h"

#include <stdlib.h>

enum err network_qrf_km(struct model *m)
{
  const struct scenario *sc = m->sc;
  size_t n = sc->n_nodes;
  double *dist = malloc((n * n + 1) * sizeof *dist);
  if (dist == NULL)
    return ERR_NOMEM;
  /* shortest road distances between all nodes (Floyd-Warshall) */
  for (size_t i = 0; i < n * n; i++)
    dist[i] = INFINITY;
  for (size_t i = 0; i < n; i++)
    dist[i * n + i] = 0;
  for (size_t r = 0; r < sc->n_roads; r++) {
    size_t a = (size_t)sc->roads[r].from, b = (size_t)sc->roads[r].to;
    if (sc->roads[r].km < dist[a * n + b])
      dist[a * n + b] = dist[b * n + a] = sc->roads[r].km;
  }
  for (size_t k = 0; k < n; k++)
    for (size_t i = 0; i < n; i++)
      for (size_t j = 0; j < n; j++)
        if (dist[i * n + k] + dist[k * n + j] < dist[i * n + j])
          dist[i * n + j] = dist[i * n + k] + dist[k * n + j];
  for (size_t r = 0; r < sc->n_roads; r++) {
    double best = INFINITY;
    for (size_t b = 0; b < sc->force.n_qrf_bases; b++) {
      size_t q = (size_t)sc->force.qrf_bases[b];
      double x = fmin(dist[q * n + (size_t)sc->roads[r].from], dist[q * n + (size_t)sc->roads[r].to]);
      if (x < best)
        best = x;
    }
    m->qrf_km[r] = sc->force.qrf_kmh > 0 ? best : INFINITY;
  }
  free(dist);
  return ERR_OK;
}
