/*
 * test_threats.c - what happens inside an incident (SPEC 4.2, 4.3, 4.8):
 * crowd losses down to the last 1% of a load, common random numbers from
 * one incident to the next, the attackers' floor of one, force casualties
 * of crowd engagements, the QRF under its own contingent's ROE, drawn
 * escalation durations, desperation switched off and averaged, and what a
 * convoy asks of the escort pool.  Every replication goes through run_rep()
 * (model_fixture.h).
 */
#include "model_fixture.h"

/* A truck left with less than 1% of a load holds no cargo: the convoy of
 * dust.cfg ends lost, after seven stops of half each. */
static void test_dust_ends_lost(void **state)
{
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  (void)state;
  fix_open(&f, "dust.cfg", NULL, 0);
  for (uint64_t r = 0; r < 20; r++) {
    run_rep(&f, 1, r, s, &res);
    assert_int_equal((int)s->nc, 1);
    assert_int_equal(s->c[0].outcome, OUTCOME_LOST);
    assert_int_equal(s->c[0].crowd_interceptions, 7);
    assert_double_equal(s->c[0].tonnes_lost, 11.0, 1e-12);
    assert_double_equal(res.metric[METRIC_TONNES_LOST_CROWD], 11.0, 1e-12);
    assert_double_equal(res.metric[METRIC_TRUCKS_INTERCEPTED_CROWD], 1, 0);
    assert_true(isnan(res.metric[METRIC_TRANSIT_H])); /* it never arrived */
  }
  fix_close(&f);
  free(s);
}

/* One armed outcome of the trace: convoy number, attackers, defeated, taken, hold. */
struct outcome {
  long number;
  double attackers, driver_harm, hold;
  int defeated, taken;
};
struct outcomes {
  struct outcome o[4096];
  size_t n;
};

static void sink_outcome(void *ctx, const struct trace_record *t)
{
  struct outcomes *s = ctx;
  char def[8];
  struct outcome *o;
  if (strcmp(t->event, "armed_outcome") != 0)
    return;
  assert_true(s->n < 4096);
  o = &s->o[s->n++];
  o->number = t->number;
  assert_int_equal(sscanf(t->detail, "attackers=%lf defeated=%3s trucks_taken=%d driver_harm=%lf hold_h=%lf",
                          &o->attackers, def, &o->taken, &o->driver_harm, &o->hold), 5);
  o->defeated = strcmp(def, "yes") == 0;
}

static void outcomes_of(struct fix *f, uint64_t rep, struct outcomes *s)
{
  struct model_sinks sk = { s, NULL, NULL, sink_outcome };
  struct rep_result res;
  s->n = 0;
  assert_int_equal(model_replicate(f->m, f->ws, 9, rep, &sk, &res), ERR_OK);
}

/* Two escorts that engage and defeat at different rates: attack k of a
 * convoy has the same attackers and hold in both, and when neither
 * defeated it, the same driver harm (the first of its loss draws), however
 * the escorts did before; and with the same outcomes before it (the same
 * trucks left), the same trucks taken. */
static void test_incidents_keep_their_draws(void **state)
{
  static const char *const other[] = { "roe_profiles.escort.engage_armed=0.5", "roe_profiles.escort.p_defeat=0.2" };
  struct fix a, b;
  struct outcomes *x = calloc(1, sizeof *x), *y = calloc(1, sizeof *y);
  long compared = 0, differed_before = 0;
  (void)state;
  assert_non_null(x);
  assert_non_null(y);
  fix_open(&a, "incidents.cfg", NULL, 0);
  fix_open(&b, "incidents.cfg", other, 2);
  for (uint64_t r = 0; r < 10; r++) {
    size_t i = 0, j = 0;
    outcomes_of(&a, r, x);
    outcomes_of(&b, r, y);
    while (i < x->n && j < y->n) {
      long n = x->o[i].number;
      bool before = false;
      if (y->o[j].number != n) { /* a convoy lost whole in one run: skip to the next */
        if (y->o[j].number < n)
          j++;
        else
          i++;
        continue;
      }
      for (; i < x->n && j < y->n && x->o[i].number == n && y->o[j].number == n; i++, j++) {
        assert_double_equal(x->o[i].attackers, y->o[j].attackers, 0);
        assert_double_equal(x->o[i].hold, y->o[j].hold, 0);
        if (!x->o[i].defeated && !y->o[j].defeated) {
          assert_double_equal(x->o[i].driver_harm, y->o[j].driver_harm, 0);
          if (!before)
            assert_int_equal(x->o[i].taken, y->o[j].taken);
          compared++;
          differed_before += before;
        }
        before = before || x->o[i].defeated != y->o[j].defeated;
      }
      while (i < x->n && x->o[i].number == n)
        i++;
      while (j < y->n && y->o[j].number == n)
        j++;
    }
  }
  printf("  %ld undefeated attacks compared, %ld after the escorts had done differently\n", compared,
         differed_before);
  assert_true(compared > 100);
  assert_true(differed_before > 20);
  fix_close(&a);
  fix_close(&b);
  free(x);
  free(y);
}

/* The QRF of qrf.cfg (always wins, r / d = 0.1 of each truck taken) and,
 * in qrf_capped.cfg, with every troop in a contingent capped at an ROE
 * that does not engage, no QRF at all: each attack takes every truck. */
static void test_qrf_acts_under_its_contingent(void **state)
{
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  long dispatches = 0, attacks = 0, hit = 0, trucks = 0;
  (void)state;
  fix_open(&f, "qrf.cfg", NULL, 0);
  for (uint64_t r = 0; r < 5; r++) {
    run_rep(&f, 4, r, s, &res);
    dispatches += (long)res.metric[METRIC_QRF_DISPATCHES];
    attacks += (long)res.metric[METRIC_ARMED_ATTACKS];
  }
  assert_true(attacks > 50);
  assert_int_equal(dispatches, attacks); /* one free team for every attack */
  fix_close(&f);
  fix_open(&f, "qrf_capped.cfg", NULL, 0);
  for (uint64_t r = 0; r < 200; r++) {
    run_rep(&f, 4, r, s, &res);
    assert_double_equal(res.metric[METRIC_QRF_DISPATCHES], 0, 0);
    hit += (long)res.metric[METRIC_TRUCKS_INTERCEPTED];
    trucks += (long)res.metric[METRIC_TRUCKS_DISPATCHED];
  }
  check_prop("a truck intercepted without the QRF", hit, trucks, 1 - exp(-0.5));
  fix_close(&f);
  free(s);
}

/* Attackers are max(1, a draw): a party that is almost always 0 meets an
 * escort of one 8-troop team (k = 1, p_defeat 0.5 at S = A), which then
 * wins with logistic(ln 8) = 8/9; crowd engagements cost force casualties
 * too (force_harm = 2 per engagement, Poisson). */
static void test_attackers_floor_and_crowd_force_harm(void **state)
{
  static const char *const sets[] = {
    "threats.armed.party={ dist = \"poisson\"; mean = 1.0e-6; }", "threats.armed.strength_exponent=1.0",
    "roe_profiles.escort.escalation_p=0.0", "roe_profiles.escort.engage_crowd=1.0",
    "roe_profiles.escort.force_harm=2.0", "roads.0.crowd_per_h=0.3", "threats.crowd.stop_p=0.0" };
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  long attacks = 0, defeated = 0;
  double harm = 0, eng = 0;
  (void)state;
  fix_open(&f, "incidents.cfg", sets, 7);
  for (uint64_t r = 0; r < 60; r++) {
    run_rep(&f, 2, r, s, &res);
    attacks += (long)res.metric[METRIC_ARMED_ATTACKS];
    defeated += (long)res.metric[METRIC_ATTACKS_DEFEATED];
    harm += res.metric[METRIC_FORCE_CASUALTIES];
    eng += res.metric[METRIC_ENGAGEMENTS];
  }
  check_prop("attacks defeated at S = 8, A = max(1, 0)", defeated, attacks, 8.0 / 9.0);
  /* every engagement (armed: p_defeat 0.5 profile's force_harm 2; crowd: the same) */
  printf("  force casualties %.0f over %.0f engagements, expected 2 each (+- %.1f)\n", harm, eng, 5 * sqrt(2 * eng));
  assert_true(fabs(harm - 2 * eng) <= 5 * sqrt(2 * eng));
  fix_close(&f);
  free(s);
}

/* An escalation lasts a drawn duration: exponential with mean 5 h, so the
 * escalations of escalation.cfg (every engagement escalates) end on
 * average 5 h after they start. */
struct span { double start[4096], end[4096]; size_t ns, ne; };
static void sink_span(void *ctx, const struct trace_record *t)
{
  struct span *p = ctx;
  if (strcmp(t->event, "escalation") == 0 && p->ns < 4096)
    p->start[p->ns++] = t->time_h;
  if (strcmp(t->event, "escalation_end") == 0 && p->ne < 4096)
    p->end[p->ne++] = t->time_h;
}

static void test_escalation_duration_is_drawn(void **state)
{
  static const char *const sets[] = { "threats.escalation.duration_h={ dist = \"exponential\"; mean = 5.0; }" };
  struct fix f;
  struct span *p = calloc(1, sizeof *p);
  double sum = 0, sum2 = 0;
  long n = 0;
  (void)state;
  assert_non_null(p);
  fix_open(&f, "escalation.cfg", sets, 1);
  for (uint64_t r = 0; r < 20; r++) {
    struct model_sinks sk = { p, NULL, NULL, sink_span };
    struct rep_result res;
    p->ns = p->ne = 0;
    assert_int_equal(model_replicate(f.m, f.ws, 6, r, &sk, &res), ERR_OK);
    /* escalations do not stack, but each pushes its own end: pair them in order of ends */
    assert_int_equal((int)p->ns, (int)p->ne);
    for (size_t i = 0; i < p->ns; i++) {
      double d = p->end[i] - p->start[i];
      sum += d;
      sum2 += d * d;
      n++;
    }
  }
  double m = sum / n, sd = sqrt(sum2 / n - m * m);
  printf("  %ld escalations, mean duration %.3f h (5 +- %.3f)\n", n, m, 5 * sd / sqrt((double)n));
  assert_true(n > 200);
  assert_true(fabs(m - 5.0) <= 5 * sd / sqrt((double)n));
  assert_true(sd > 3.0); /* drawn, not fixed */
  fix_close(&f);
  free(p);
}

/* Without a threats.desperation group D stays at each node's initial
 * value however short deliveries fall (frozen_d.cfg: need 1,000 t a day,
 * 11 t delivered), so P(through) = exp(-0.05 e^(3 x 0.4)); and a road
 * without a zone takes the plain mean of D when no node has a population
 * (plain_mean.cfg: (0.2 + 0.6) / 2, P(through) = exp(-0.2 e^(2 x 0.4))). */
static void test_desperation_off_and_plain_mean(void **state)
{
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  (void)state;
  survival("frozen_d.cfg", NULL, 0, 100, exp(-0.05 * exp(1.2)), "D frozen at 0.4, exp(-0.05 e^1.2)");
  fix_open(&f, "frozen_d.cfg", NULL, 0);
  run_rep(&f, 2, 0, s, &res);
  assert_int_equal((int)s->nd, 200);
  for (size_t i = 0; i < s->nd; i++)
    assert_double_equal(s->d[i].desperation, 0.4, 0);
  fix_close(&f);
  survival("plain_mean.cfg", NULL, 0, 100, exp(-0.2 * exp(0.8)), "plain mean D 0.4, exp(-0.2 e^0.8)");
  free(s);
}

/* The escort teams of each departure, from its trace. */
struct departures { int teams[512]; double at[512]; size_t n; };
static void sink_depart(void *ctx, const struct trace_record *t)
{
  struct departures *p = ctx;
  if (strcmp(t->event, "depart") == 0 && p->n < 512) {
    const char *k = strstr(t->detail, "teams=");
    assert_non_null(k);
    p->at[p->n] = t->time_h;
    p->teams[p->n++] = atoi(k + 6);
  }
}

/* A convoy asks for min(escort_teams, pool): escort.cfg asks for 2; with
 * 24 troops (half of them escorts, 8 a team) the pool is 1 and every
 * convoy leaves on time with 1, waiting 0; with 8 troops the pool is 0:
 * no convoy asks, none waits, escort_wait_h is empty and the escort's
 * deterrence is gone: P(through) = exp(-0.4 x 2). */
static void test_escort_request(void **state)
{
  static const char *const one[] = { "force.troops=24.0" };
  static const char *const none[] = { "force.troops=8.0" };
  struct fix f;
  struct departures *p = calloc(1, sizeof *p);
  struct rep_result res;
  (void)state;
  assert_non_null(p);
  for (int v = 0; v < 2; v++) {
    struct model_sinks sk = { p, NULL, NULL, sink_depart };
    fix_open(&f, "escort.cfg", v == 0 ? one : none, 1);
    p->n = 0;
    assert_int_equal(model_replicate(f.m, f.ws, 1, 0, &sk, &res), ERR_OK);
    assert_int_equal((int)p->n, 100);
    for (size_t i = 0; i < p->n; i++) {
      assert_int_equal(p->teams[i], v == 0 ? 1 : 0);
      assert_double_equal(p->at[i], 8.0 + 24.0 * (double)i, 1e-9);
    }
    if (v == 0)
      assert_double_equal(res.metric[METRIC_ESCORT_WAIT_H], 0, 0);
    else
      assert_true(isnan(res.metric[METRIC_ESCORT_WAIT_H]));
    fix_close(&f);
  }
  survival("escort.cfg", none, 1, 200, exp(-0.8), "no escort teams, exp(-0.4 x 2)");
  free(p);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_dust_ends_lost),
    cmocka_unit_test(test_incidents_keep_their_draws),
    cmocka_unit_test(test_qrf_acts_under_its_contingent),
    cmocka_unit_test(test_attackers_floor_and_crowd_force_harm),
    cmocka_unit_test(test_escalation_duration_is_drawn),
    cmocka_unit_test(test_desperation_off_and_plain_mean),
    cmocka_unit_test(test_escort_request),
  };
  gsl_set_error_handler_off();
  return cmocka_run_group_tests(tests, NULL, NULL);
}
