/*
 * reference.c - the scenario reference, generated from the schema table.
 *
 * The one rule: nothing here names a key; every line comes from
 * schema_keys[], schema_groups[], schema_builtin_roe[] and dist.h, so the
 * reference cannot drift from what the loader accepts.  Plain text feeds
 * `convoysim help scenario`; Markdown is docs/scenario-reference.md.
 */
#include <math.h>
#include <string.h>

#include "convoysim/dist.h"
#include "convoysim/schema.h"

static const int places[] = { REGION_ROOT, REGION_NODE, REGION_ROAD, REGION_CONVOY, REGION_ROE,
                              REGION_CONTINGENT, REGION_FUNDING, SCHEMA_PLACE_TIMELINE, SCHEMA_PLACE_VARY };

static const char *place_title(int place)
{
  switch (place) {
  case REGION_ROOT: return "Top level";
  case REGION_NODE: return "Nodes: nodes = ( { ... }, ... )";
  case REGION_ROAD: return "Roads: roads = ( { ... }, ... )";
  case REGION_CONVOY: return "Convoy schedules: convoys = ( { ... }, ... )";
  case REGION_ROE: return "ROE profiles: roe_profiles = ( { ... }, ... )";
  case REGION_CONTINGENT: return "Contingents: force.contingents = ( { ... }, ... )";
  case REGION_FUNDING: return "Funding: funding = ( { ... }, ... )";
  case SCHEMA_PLACE_TIMELINE: return "Timeline entries: timeline = ( { ... }, ... )";
  case SCHEMA_PLACE_VARY: return "Sweep factors: sweep.vary = ( { ... }, ... )";
  default: return "?";
  }
}

static void type_text(const struct schema_key *k, char *buf, size_t len)
{
  char lo[32], hi[32];
  const char *base;
  switch (k->type) {
  case SCHEMA_INT: base = "integer"; break;
  case SCHEMA_REAL: base = "real"; break;
  case SCHEMA_BOOL: snprintf(buf, len, "true/false"); return;
  case SCHEMA_STRING: snprintf(buf, len, "string"); return;
  case SCHEMA_NAME: snprintf(buf, len, "name [A-Za-z0-9_-]+"); return;
  case SCHEMA_SEED: snprintf(buf, len, "integer 0..2^64-1"); return;
  case SCHEMA_ENUM: {
    size_t used = (size_t)snprintf(buf, len, "one of ");
    for (size_t i = 0; k->names[i] && used < len; i++)
      used += (size_t)snprintf(buf + used, len - used, "%s\"%s\"", i ? ", " : "", k->names[i]);
    return;
  }
  case SCHEMA_DIST:
    snprintf(buf, len, "dist %s", (k->dflags & DIST_SHARE) ? "in [0, 1]"
                                  : (k->dflags & DIST_POSITIVE) ? "> 0"
                                  : (k->dflags & DIST_NONNEG) ? ">= 0" : "");
    return;
  case SCHEMA_HOURS: snprintf(buf, len, "[from, to], 0 <= from < to <= 24"); return;
  case SCHEMA_WEEKDAYS: snprintf(buf, len, "list of weekdays 0..6"); return;
  case SCHEMA_TASKS: snprintf(buf, len, "list of escort, patrol, qrf, disarm, train"); return;
  case SCHEMA_NODE:
    snprintf(buf, len, "%s", k->kinds == SCHEMA_DISTRIBUTION ? "distribution node id" : "node id");
    return;
  case SCHEMA_ROE: snprintf(buf, len, "ROE profile name"); return;
  case SCHEMA_NODES: snprintf(buf, len, "list of node ids"); return;
  case SCHEMA_LIST: snprintf(buf, len, "list of groups"); return;
  case SCHEMA_BUILDUP: snprintf(buf, len, "list of [day, troops]"); return;
  case SCHEMA_CHANGES: snprintf(buf, len, "list of (\"KEY\", value)"); return;
  case SCHEMA_VALUES: snprintf(buf, len, "list of values"); return;
  default: snprintf(buf, len, "?"); return;
  }
  double top = k->type == SCHEMA_INT ? (k->size == sizeof(int) ? 2147483647.0 : 9223372036854775807.0) : HUGE_VAL;
  bool has_min = k->min > -top && !(k->type == SCHEMA_INT && k->min <= -2147483648.0);
  bool has_max = k->max < top;
  snprintf(lo, sizeof lo, "%g", k->min);
  snprintf(hi, sizeof hi, "%g", k->max);
  if (has_min && has_max)
    snprintf(buf, len, "%s in %c%s, %s]", base, (k->flags & SCHEMA_MIN_OPEN) ? '(' : '[', lo, hi);
  else if (has_min)
    snprintf(buf, len, "%s %s %s", base, (k->flags & SCHEMA_MIN_OPEN) ? ">" : ">=", lo);
  else
    snprintf(buf, len, "%s", base);
}

static void default_text(const struct schema_key *k, char *buf, size_t len)
{
  if (k->flags & SCHEMA_REQUIRED)
    snprintf(buf, len, "required");
  else if (k->def != NULL)
    snprintf(buf, len, "%s", k->def);
  else if (k->def_text != NULL)
    snprintf(buf, len, "%s", k->def_text);
  else
    snprintf(buf, len, "-");
}

static void notes_text(const struct schema_key *k, char *buf, size_t len)
{
  size_t used = 0;
  buf[0] = '\0';
  if (k->kinds) {
    used += (size_t)snprintf(buf + used, len - used, "%s only",
                             k->kinds == SCHEMA_CROSSING ? "crossing"
                             : k->kinds == SCHEMA_DEPOT ? "depot"
                             : k->kinds == SCHEMA_DISTRIBUTION ? "distribution" : "some kinds");
    if (k->type == SCHEMA_NODE)
      used = 0, buf[0] = '\0';
  }
  if (k->flags & SCHEMA_FIXED)
    used += (size_t)snprintf(buf + used, len - used, "%sfixed", used ? "; " : "");
  else if (k->flags & SCHEMA_RUN)
    used += (size_t)snprintf(buf + used, len - used, "%srun setting", used ? "; " : "");
  else if (k->flags & SCHEMA_NO_TIMELINE)
    snprintf(buf + used, len - used, "%snot in a timeline", used ? "; " : "");
}

/* Markdown cells must not hold a bare '|'. */
static void md_cell(FILE *f, const char *s)
{
  for (; *s; s++) {
    if (*s == '|')
      fputs("\\|", f);
    else
      fputc(*s, f);
  }
}

static void print_intro(FILE *f, bool md)
{
  const char *h = md ? "## " : "";
  if (md)
    fprintf(f, "# Scenario file reference\n\n"
               "Generated by `convoysim help scenario --markdown` from the schema table\n"
               "(src/scenario/schema.c); do not edit by hand.\n\n");
  else
    fprintf(f, "Scenario file reference (libconfig syntax), generated from the schema table.\n\n");
  fprintf(f,
          "%sRules\n\n"
          "- Required: `name`, `horizon_days`, `nodes`, `roads`, `convoys`; in list\n"
          "  elements the keys marked required.  Every other key has the default shown.\n"
          "- An absent group switches its mechanism off: no `force`, no force; no\n"
          "  `coordination`, no denials or delays; no `ceasefire`, no violations; no\n"
          "  `threats.escalation`, no escalation.  A threat rate left out is 0.\n"
          "- Any real may be written as an integer.  Integers beyond 2147483647 need\n"
          "  an L suffix (3000000000L); libconfig would silently wrap them.\n"
          "- Units are in the key names: _h hours, _days days, km, kmh, _t tonnes.\n"
          "- Unknown keys are errors, with the nearest known key suggested.\n"
          "- `fixed`: ids, kinds, routes, road ends, lists, seed and replications:\n"
          "  a timeline or a sweep may not change them.  A `run setting` may be\n"
          "  swept but not changed by a timeline.\n"
          "- Paths (--set KEY=VALUE, timeline, sweep.vary): dotted; a list element\n"
          "  by its id (nodes, roads, convoys), name (roe_profiles,\n"
          "  force.contingents) or index: nodes.kerem_shalom.lanes,\n"
          "  roe_profiles.robust.p_defeat, convoys.0.trucks.  VALUE is libconfig\n"
          "  (a bare word is a string); setting a key of an absent group creates\n"
          "  the group and switches its mechanism on.\n"
          "- Several roads joining the same two nodes: a route uses the first listed.\n"
          "- The numbers of a [ ] array must be written alike: [8.0, 16.5], not\n"
          "  [8, 16.5] (libconfig rejects mixed arrays); ( ) lists may mix.\n\n",
          h);
  fprintf(f, "%sGroups\n\n", h);
  for (size_t i = 0; i < schema_n_groups; i++)
    fprintf(f, "%s%-22s %s\n", md ? "    " : "  ", schema_groups[i].path, schema_groups[i].meaning);
  fputc('\n', f);
  fprintf(f, "%sDistributions (keys of type dist)\n\n"
             "A plain number is fixed; otherwise a group { dist = \"NAME\"; PARAMS }:\n\n", h);
  for (int i = 0; i < DIST_KIND_COUNT; i++)
    fprintf(f, "%s%-12s %s\n", md ? "    " : "  ", dist_kind_name((enum dist_kind)i),
            dist_kind_params((enum dist_kind)i));
  fputc('\n', f);
}

static void print_roe(FILE *f, bool md)
{
  fprintf(f, "%sBuilt-in ROE profiles\n\n", md ? "## " : "");
  fprintf(f, "%s%-15s %5s %6s %6s %6s %6s %6s %6s %6s %6s %6s %6s\n", md ? "    " : "  ", "name", "level",
          "eng_a", "eng_c", "p_def", "det_a", "det_c", "patrol", "esc_p", "harm_a", "harm_c", "f_harm");
  for (size_t i = 0; i < schema_n_builtin_roe; i++) {
    const struct schema_roe *r = &schema_builtin_roe[i];
    fprintf(f, "%s%-15s %5d %6g %6g %6g %6g %6g %6g %6g %6g %6g %6g\n", md ? "    " : "  ", r->name, r->level,
            r->engage_armed, r->engage_crowd, r->p_defeat, r->deter_armed, r->deter_crowd, r->patrol_deter,
            r->escalation_p, r->harm_armed, r->harm_crowd, r->force_harm);
  }
  fprintf(f, "\nA new profile starts from no effect (engage 0, deterrence 1, harm 0).\n\n");
}

void schema_print_reference(FILE *f, bool markdown)
{
  char type[160], def[160], notes[96];

  print_intro(f, markdown);
  for (size_t p = 0; p < sizeof places / sizeof places[0]; p++) {
    int place = places[p];
    if (markdown)
      fprintf(f, "## %s\n\n| key | type | unit | default | meaning |\n|---|---|---|---|---|\n",
              place_title(place));
    else
      fprintf(f, "%s\n\n", place_title(place));
    const char *last_group = "";
    for (size_t i = 0; i < schema_n_keys; i++) {
      const struct schema_key *k = &schema_keys[i];
      if (k->place != place)
        continue;
      if (!markdown && place == REGION_ROOT) {
        /* a heading per top-level group, with its meaning */
        const char *dot = strchr(k->path, '.');
        size_t n = dot ? (size_t)(dot - k->path) : 0;
        if (n && (strlen(last_group) != n || strncmp(last_group, k->path, n) != 0)) {
          char g[64];
          snprintf(g, sizeof g, "%.*s", (int)n, k->path);
          const struct schema_group *sg = schema_find_group(g);
          fprintf(f, " %s: %s\n", g, sg ? sg->meaning : "");
          last_group = k->path;
        } else if (!n) {
          last_group = "";
        }
      }
      type_text(k, type, sizeof type);
      default_text(k, def, sizeof def);
      notes_text(k, notes, sizeof notes);
      if (markdown) {
        fprintf(f, "| `%s` | ", k->path);
        md_cell(f, type);
        fprintf(f, " | %s | `", k->unit ? k->unit : "");
        md_cell(f, def);
        fputs("` | ", f);
        md_cell(f, k->meaning);
        if (notes[0])
          fprintf(f, " (%s)", notes);
        fputs(" |\n", f);
      } else {
        fprintf(f, "  %-34s %s%s%s; %s%s%s%s%s\n      %s\n", k->path, type, k->unit && k->unit[0] ? ", " : "",
                k->unit ? k->unit : "", (k->flags & SCHEMA_REQUIRED) ? "" : "default ", def, notes[0] ? " (" : "",
                notes, notes[0] ? ")" : "", k->meaning);
      }
    }
    fputc('\n', f);
  }
  print_roe(f, markdown);
}
