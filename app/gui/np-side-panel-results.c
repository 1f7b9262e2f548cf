/* np-side-panel-results.c: NpSidePanel's results: one row per value with its
 * interval, the warnings and the entry recommendation
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-side-panel"

#include "np-side-panel-private.h"

#include <glib/gi18n.h>

#include "np-plan-labels.h"

#include <math.h>

static const struct
{
  const char *key;
  const char *title;
} result_rows[] = {
  { NP_SIDE_PANEL_DEPTH, N_("Target depth") },
  { NP_SIDE_PANEL_PATH, N_("Path length") },
  { NP_SIDE_PANEL_ANGLE, N_("Insertion angle") },
  { NP_SIDE_PANEL_NEEDLE, N_("Needle") },
  { NP_SIDE_PANEL_CLEARANCE, N_("Nearest structure") },
  { NP_SIDE_PANEL_VISIBILITY, N_("Needle visibility") },
  { NP_SIDE_PANEL_VIEW, N_("Needle comes into view") },
  { NP_SIDE_PANEL_WALKDOWN, N_("Out-of-plane entry") },
};

G_STATIC_ASSERT (G_N_ELEMENTS (result_rows) == N_RESULT_ROWS);

/* Formatting */

static char *
format_length (double      value,
               const char *unit)
{
  return g_strdup_printf ("%.1f %s", value, unit);
}

static char *
format_interval (const double interval[2],
                 const char  *unit)
{
  return g_strdup_printf (_("95 %% interval %.1f – %.1f %s"), interval[0], interval[1], unit);
}

/* The interval and, as the report does, what dominates it. */
static char *
format_interval_source (const NpPlanResults *results,
                        const double         interval[2],
                        const char          *unit,
                        NpIntervalSource     source)
{
  g_autofree char *words = np_planner_interval_source_describe (results, source);

  if (words == NULL)
    return format_interval (interval, unit);
  return g_strdup_printf (_("95 %% interval %.1f – %.1f %s, %s"), interval[0], interval[1], unit,
                          words);
}

/* A result as a screen reader says it: "20.8 millimetres", "19.6 to 21.6". */
static char *
spoken (const char *text)
{
  static const struct {
    const char *written;
    const char *said;
  } words[] = {
    { " – ", N_(" to ") },
    { " mm", N_(" millimetres") },
    { " px", N_(" pixels") },
    { "°", N_(" degrees") },
  };
  g_autoptr(GString) said = g_string_new (text);

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    g_string_replace (said, words[i].written, _(words[i].said), 0);
  return g_string_free (g_steal_pointer (&said), FALSE);
}

static void
set_row (NpSidePanel *self,
         const char  *key,
         const char  *value,
         const char  *detail,
         const char  *style)
{
  for (guint i = 0; i < N_RESULT_ROWS; i++)
    if (g_str_equal (self->rows[i].key, key))
      {
        GtkWidget *label = GTK_WIDGET (self->rows[i].value);

        gtk_label_set_text (self->rows[i].value, value != NULL ? value : "—");
        adw_action_row_set_subtitle (self->rows[i].row, detail != NULL ? detail : "");
        gtk_widget_remove_css_class (label, "error");
        gtk_widget_remove_css_class (label, "warning");
        gtk_widget_remove_css_class (label, "success");
        if (style != NULL)
          gtk_widget_add_css_class (label, style);
        /* Read as one: "Target depth, 20.8 millimetres, 95 % interval 19.6 to 21.6 mm". */
        {
          g_autofree char *said_value = spoken (value != NULL ? value : _("not known"));
          g_autofree char *said_detail = detail != NULL && *detail != '\0' ? spoken (detail) : NULL;
          g_autofree char *name = said_detail != NULL
            ? g_strdup_printf ("%s, %s, %s", self->rows[i].title, said_value, said_detail)
            : g_strdup_printf ("%s, %s", self->rows[i].title, said_value);

          /* The label alone: GTK would append the title it is labelled by. */
          gtk_accessible_reset_relation (GTK_ACCESSIBLE (self->rows[i].row),
                                         GTK_ACCESSIBLE_RELATION_LABELLED_BY);
          gtk_accessible_update_property (GTK_ACCESSIBLE (self->rows[i].row),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
        }
        return;
      }
  g_assert_not_reached ();
}

static void
show_row (NpSidePanel *self,
          const char  *key,
          gboolean     visible)
{
  for (guint i = 0; i < N_RESULT_ROWS; i++)
    if (g_str_equal (self->rows[i].key, key))
      gtk_widget_set_visible (GTK_WIDGET (self->rows[i].row), visible);
}

static char *
gauges_text (const guint *gauges)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (gauges == NULL || gauges[0] == 0)
    return NULL;
  for (guint i = 0; gauges[i] != 0; i++)
    g_string_append_printf (text, "%s%u", i > 0 ? ", " : "", gauges[i]);
  g_string_append (text, " G");
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static const char *
visibility_text (NpVisibility visibility)
{
  switch (visibility)
    {
    case NP_VISIBILITY_GOOD:
      return _("Good");
    case NP_VISIBILITY_CAUTION:
      return _("Caution");
    case NP_VISIBILITY_POOR:
      return _("Poor");
    case NP_VISIBILITY_NOT_APPLICABLE:
    default:
      return NULL;
    }
}

/* Results */

static void
clear_warnings (NpSidePanel *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->warnings_box))) != NULL)
    gtk_box_remove (self->warnings_box, child);
  self->n_warnings = 0;
}

static void
add_warning (NpSidePanel *self,
             const char  *text)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_widget_add_css_class (icon, "warning");
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), FALSE);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), label);
  gtk_widget_add_css_class (box, "np-warning");
  gtk_box_append (self->warnings_box, box);
  self->n_warnings++;
}

/* A drag changes the results many times a second; the warnings usually stay
 * the same, and rebuilding their widgets each time would only cost layout. */
static void
show_warnings (NpSidePanel         *self,
               const NpPlanResults *results,
               const char          *error)
{
  g_autoptr(GString) signature = g_string_new (error != NULL ? error : "");

  for (guint i = 0; results != NULL && results->warnings != NULL && i < results->warnings->len;
       i++)
    g_string_append_printf (signature, "\n%s", (char *) g_ptr_array_index (results->warnings, i));
  if (self->warnings_signature != NULL && g_str_equal (signature->str, self->warnings_signature))
    return;
  g_free (self->warnings_signature);
  self->warnings_signature = g_strdup (signature->str);

  clear_warnings (self);
  if (error != NULL)
    add_warning (self, error);
  for (guint i = 0; results != NULL && results->warnings != NULL && i < results->warnings->len;
       i++)
    add_warning (self, g_ptr_array_index (results->warnings, i));
  gtk_widget_set_visible (GTK_WIDGET (self->warnings_group), self->n_warnings > 0);
}

static void
update_clearance (NpSidePanel         *self,
                  const NpPlanResults *results)
{
  const NpStructureClearance *nearest;
  g_autofree char *value = NULL;
  g_autofree char *detail = NULL;
  const char *style = NULL;

  if (results == NULL || results->clearances == NULL || results->nearest < 0 ||
      (guint) results->nearest >= results->clearances->len)
    {
      set_row (self, NP_SIDE_PANEL_CLEARANCE, NULL,
               results != NULL && results->has_path ? _("no structures marked") : NULL, NULL);
      return;
    }
  nearest = &g_array_index (results->clearances, NpStructureClearance, results->nearest);
  if (nearest->entered)
    {
      value = g_strdup ("crossed");
      style = "error";
    }
  else
    {
      value = format_length (nearest->clearance, results->unit);
      if (nearest->within_margin)
        style = "error";
    }
  if (results->calibrated)
    detail = g_strdup_printf (_("%s · margin %.1f mm"), nearest->label, nearest->margin_mm);
  else
    detail = g_strdup_printf (_("%s · margin not checked without a calibration"), nearest->label);
  set_row (self, NP_SIDE_PANEL_CLEARANCE, value, detail, style);
}

/* The analysis replaced or completed the results of the current plan. */
void
_np_side_panel_show_results (NpSidePanel *self)
{
  const NpPlanResults *results = np_plan_analysis_get_results (self->analysis);
  const char *error = np_plan_analysis_get_error (self->analysis);
  const char *unit;

  show_warnings (self, results, error);
  gtk_widget_set_visible (self->second_view_button,
                          self->document != NULL
                          && np_document_get_frame (self->document) != NULL
                          && np_document_get_plan (self->document)->modality
                             == NP_MODALITY_FLUOROSCOPY);
  if (results == NULL)
    {
      for (guint i = 0; i < N_RESULT_ROWS; i++)
        set_row (self, self->rows[i].key, NULL, NULL, NULL);
      show_row (self, NP_SIDE_PANEL_VIEW, FALSE);
      show_row (self, NP_SIDE_PANEL_WALKDOWN, FALSE);
      return;
    }
  unit = results->unit;

  /* Depth */
  if (results->has_depth)
    {
      g_autofree char *value = format_length (results->depth, unit);
      g_autofree char *detail = results->has_depth_ci
        ? format_interval_source (results, results->depth_ci95, unit, results->depth_ci_source)
        : g_strdup (/* xgettext:no-c-format */ _("95 % interval: calculating…"));

      /* Two views: say how they were combined, and how well they agree. */
      if (results->has_two_views)
        {
          g_autofree char *views = g_strdup_printf (
            results->two_views.cone_beam
            ? _("%s · from two views %.0f° apart, cone beam (rays miss by %.1f mm)")
            : _("%s · from two views %.0f° apart, each a parallel projection (rays miss by "
                "%.1f mm)"),
            detail, results->views_angle_deg, results->two_views.rms_residual_mm);

          g_free (detail);
          detail = g_steal_pointer (&views);
        }
      set_row (self, NP_SIDE_PANEL_DEPTH, value, detail, NULL);
    }
  else if (results->has_projection || (results->has_path && results->speed_of_sound_m_s == 0))
    set_row (self, NP_SIDE_PANEL_DEPTH, NULL,
             results->second_view_of_pair
             ? _("from this lateral view and its AP view together (the pair’s second view)")
             : _("needs a second view (one projection has no depth)"), NULL);
  else
    set_row (self, NP_SIDE_PANEL_DEPTH, NULL, _("mark the target"), NULL);

  /* Path */
  if (results->has_path)
    {
      g_autofree char *value = format_length (results->path_length, unit);
      g_autofree char *detail = results->has_path_ci
        ? format_interval_source (results, results->path_length_ci95, unit,
                                  results->path_ci_source)
        : g_strdup (/* xgettext:no-c-format */ _("95 % interval: calculating…"));

      set_row (self, NP_SIDE_PANEL_PATH, value, detail, NULL);
    }
  else if (results->has_projection && results->projected_path_length > 0)
    {
      g_autofree char *value = format_length (results->projected_path_length, unit);

      set_row (self, NP_SIDE_PANEL_PATH, value, results->second_view_of_pair
               ? _("projected on the image; the true length comes from the pair")
               : _("projected on the image; the true length needs a second view"), NULL);
    }
  else if (results->has_projection)
    set_row (self, NP_SIDE_PANEL_PATH, NULL, _("down the beam: a point in this view; the length "
             "needs a second view"), NULL);
  else
    set_row (self, NP_SIDE_PANEL_PATH, NULL, _("mark the target and the entry"), NULL);

  /* Angle */
  if (results->has_angle)
    {
      g_autofree char *value = g_strdup_printf ("%.0f°", results->insertion_angle_deg);
      g_autofree char *words = results->has_angle_ci
        ? np_planner_interval_source_describe (results, results->angle_ci_source) : NULL;
      g_autofree char *detail = results->has_angle_ci
        ? g_strdup_printf (_("to the skin · 95 %% interval %.0f – %.0f°%s%s"),
                           results->insertion_angle_ci95[0], results->insertion_angle_ci95[1],
                           words != NULL ? ", " : "", words != NULL ? words : "")
        : g_strdup (_("to the skin; 90° is perpendicular"));

      set_row (self, NP_SIDE_PANEL_ANGLE, value, detail, NULL);
    }
  else if (results->has_projection && results->projected_path_length > 0)
    {
      g_autofree char *value = g_strdup_printf ("%.0f°", results->projected_angle_deg);

      set_row (self, NP_SIDE_PANEL_ANGLE, value, _("projected, to the image’s horizontal"), NULL);
    }
  else
    set_row (self, NP_SIDE_PANEL_ANGLE, NULL, NULL, NULL);

  /* Needle */
  if (results->has_needle)
    {
      g_autofree char *value = g_strdup_printf ("%u mm", results->needle_mm);
      g_autofree char *gauges = gauges_text (results->gauges);
      g_autofree char *rule = results->needle_from_interval
        ? g_strdup_printf (_("shortest standard length covering the upper end of the path’s 95 %% "
                           "interval (%.1f mm) with 10 mm outside"), results->needle_basis)
        : g_strdup_printf (_("shortest standard length covering the path (%.1f mm) with 10 mm "
                           "outside; the interval’s upper end is used once known"),
                           results->needle_basis);
      g_autofree char *detail = g_strdup_printf (_("%g in%s%s · %s"), results->needle_inch,
                                                 gauges != NULL ? " · " : "",
                                                 gauges != NULL ? gauges : "", rule);

      set_row (self, NP_SIDE_PANEL_NEEDLE, value, detail, NULL);
    }
  else
    set_row (self, NP_SIDE_PANEL_NEEDLE, NULL,
             results->has_path && !results->calibrated ? _("needs a calibration") : NULL, NULL);

  update_clearance (self, results);

  /* Visibility */
  {
    const char *text = visibility_text (results->visibility);
    const char *style = results->visibility == NP_VISIBILITY_GOOD ? "success"
                        : results->visibility == NP_VISIBILITY_CAUTION ? "warning"
                        : results->visibility == NP_VISIBILITY_POOR ? "error" : NULL;

    set_row (self, NP_SIDE_PANEL_VISIBILITY, text,
             text != NULL ? _("in-plane: good ≤ 30°, caution to 50°, poor above")
                          : _("in-plane ultrasound only"), style);
  }

  /* Field-of-view entry and walk-down: only where they apply. */
  show_row (self, NP_SIDE_PANEL_VIEW, results->has_fov_entry);
  if (results->has_fov_entry)
    {
      g_autofree char *value = format_length (results->fov_entry_depth, unit);

      set_row (self, NP_SIDE_PANEL_VIEW, value, _("depth at which the needle enters the image"),
               NULL);
    }
  show_row (self, NP_SIDE_PANEL_WALKDOWN, results->has_walkdown);
  if (results->has_walkdown)
    {
      g_autofree char *value = format_length (results->walkdown_offset, unit);
      g_autofree char *detail = g_strdup_printf (_("from the probe’s plane at %.0f° (walk-down)"),
                                                 results->walkdown_angle_deg);

      set_row (self, NP_SIDE_PANEL_WALKDOWN, value, detail, NULL);
    }

  /* Clearances in the structure list, measurements in theirs. */
  {
    GtkListBoxRow *row;

    for (guint i = 0; (row = gtk_list_box_get_row_at_index (self->structures_list, i)) != NULL;
         i++)
      {
        const NpPlan *plan = np_document_get_plan (self->document);
        const NpStructure *structure;
        g_autofree char *subtitle = NULL;
        g_autofree char *clearance = NULL;

        if (!ADW_IS_ACTION_ROW (row) || i >= plan->structures->len)
          continue;
        structure = g_ptr_array_index (plan->structures, i);
        if (results->clearances != NULL && i < results->clearances->len)
          {
            const NpStructureClearance *c = &g_array_index (results->clearances,
                                                            NpStructureClearance, i);
            g_autofree char *length = format_length (c->clearance, unit);

            g_autofree char *words = c->has_ci
              ? np_planner_interval_source_describe (results, c->ci_source) : NULL;

            if (c->entered)
              clearance = g_strdup (_(" · crossed"));
            else if (c->has_ci)
              clearance = g_strdup_printf (_(" · clearance %s, 95 %% interval %.1f – %.1f %s%s%s%s"),
                                           length, c->clearance_ci95[0], c->clearance_ci95[1],
                                           unit, words != NULL ? ", " : "",
                                           words != NULL ? words : "",
                                           c->margin_at_risk ? _(" · the margin may be breached")
                                                             : "");
            else
              clearance = g_strdup_printf (_(" · clearance %s"), length);
          }
        subtitle = g_strdup_printf (_("%s · margin %.1f mm%s"), np_structure_kind_label (structure->kind),
                                    structure->margin_mm, clearance != NULL ? clearance : "");
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      }
    for (guint i = 0; (row = gtk_list_box_get_row_at_index (self->measurements_list, i)) != NULL;
         i++)
      {
        const NpMeasurementValue *m;
        g_autofree char *value = NULL;

        if (!ADW_IS_ACTION_ROW (row) || results->measurements == NULL ||
            i >= results->measurements->len)
          continue;
        m = &g_array_index (results->measurements, NpMeasurementValue, i);
        if (!m->valid && isfinite (m->value_px))
          value = g_strdup_printf ("%.0f px", m->value_px);
        else if (!m->valid)
          value = g_strdup ("—");
        else if (m->kind == NP_MEASURE_ANGLE)
          value = g_strdup_printf ("%.1f°", m->value);
        else
          value = format_length (m->value, unit);
        /* The planner judges whether the calibration holds there. */
        if (m->outside_region)
          {
            char *flagged = m->outside_reason != NULL && !m->valid
                            ? g_strconcat (value, " · ", m->outside_reason, NULL)
                            : g_strconcat (value, _(" · outside the calibrated region"), NULL);

            g_free (value);
            value = flagged;
          }
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
      }
  }
}

/**
 * np_side_panel_set_recommendation:
 *
 * Shows why the entry was put where it is (or which constraint fails), until
 * the plan is edited again.
 */
void
np_side_panel_set_recommendation (NpSidePanel *self,
                                  const char  *text,
                                  gboolean     feasible)
{
  GtkWidget *label;

  g_return_if_fail (NP_IS_SIDE_PANEL (self));

  label = GTK_WIDGET (self->recommend_label);
  gtk_label_set_text (self->recommend_label, text != NULL ? text : "");
  gtk_widget_set_visible (label, text != NULL);
  if (feasible)
    gtk_widget_remove_css_class (label, "error");
  else
    gtk_widget_add_css_class (label, "error");
  self->recommendation_revision = self->document != NULL
    ? np_document_get_revision (self->document) : 0;
}

/* The rows are built here, not in the template, from the table above. */
void
_np_side_panel_init_results (NpSidePanel *self)
{
  for (guint i = 0; i < N_RESULT_ROWS; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *value = gtk_label_new ("—");

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(result_rows[i].title));
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
      gtk_label_set_xalign (GTK_LABEL (value), 1);
      gtk_widget_set_valign (value, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (value, "np-result-value");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), value);
      adw_preferences_group_add (self->results_group, row);
      self->rows[i] = (ResultRow) { result_rows[i].key, _(result_rows[i].title),
                                    ADW_ACTION_ROW (row), GTK_LABEL (value) };
    }
  show_row (self, NP_SIDE_PANEL_VIEW, FALSE);
  show_row (self, NP_SIDE_PANEL_WALKDOWN, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->warnings_group), FALSE);

  /* Fluoroscopy: depth and the 3-D path come from a second view. */
  self->second_view_button = gtk_button_new_with_mnemonic (_("_Second View…"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->second_view_button),
                                  "win.open-second-view");
  gtk_widget_set_tooltip_text (self->second_view_button,
                               _("Open the other view of this case (AP with lateral) and mark "
                                 "the target and entry there: depth and the 3-D path come from "
                                 "both"));
  gtk_widget_set_valign (self->second_view_button, GTK_ALIGN_CENTER);
  gtk_widget_set_visible (self->second_view_button, FALSE);
  adw_preferences_group_set_header_suffix (self->results_group, self->second_view_button);
}
