/* np-export-report.c: the pages of the report, for the PDF and for printing
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-export-private.h"

#include <glib/gi18n-lib.h>
#include "np-plan-labels.h"

#include "np-approach.h"

#include <math.h>
#include <string.h>

/* The page is laid out top to bottom in blocks (a line of text, a table row,
 * the image). A block that does not fit goes to the next page; headings stay
 * with what follows them. The same pass measures (to count the pages) and
 * draws one page, so the PDF and the print preview break pages alike.
 *
 * Everything is black and grey text and rules: nothing depends on colour,
 * so the report reads the same printed in greyscale. */

#define MARGIN_X 50.0
#define MARGIN_TOP 58.0
#define MARGIN_BOTTOM 60.0
#define LINE 1.32                    /* line height / font size */

#define SIZE_TITLE 18.0
#define SIZE_SUBTITLE 11.0
#define SIZE_HEADING 11.0
#define SIZE_BODY 9.5
#define SIZE_TABLE 9.0
#define SIZE_LABEL 8.5
#define SIZE_SMALL 7.5

#define GREY_TEXT 0.0
#define GREY_LABEL 0.30
#define GREY_NOTE 0.35
#define GREY_RULE 0.55
#define GREY_FILL 0.88

#define IMAGE_MAX_FRACTION 0.55      /* of the content height */
#define IMAGE_MIN_FRACTION 0.28

typedef struct
{
  cairo_t *cr;
  const NpExportJob *job;
  double width, height;              /* the page, pt */
  double left, right, top, bottom;   /* the content box */
  guint page;                        /* the page being laid out */
  double y;                          /* next free line on it */
  guint draw_page;                   /* G_MAXUINT: measure only */
  gboolean draw_all;                 /* every page in one pass, show_page between */
  guint n_pages;                     /* when drawing */
  GPtrArray *recorded;               /* with draw_all: one recording surface a page, and
                                      * cr is owned, a new one for each page */
} Layout;

static void page_furniture (Layout *l);

/* In one pass over every page: the furniture of the page just filled, then
 * the next page. Its own state, so a font set for the block that moved on
 * stays set. */
static void
finish_page (Layout *l)
{
  cairo_save (l->cr);
  l->draw_page = l->page;
  page_furniture (l);
  cairo_restore (l->cr);
  if (l->recorded == NULL)
    {
      cairo_show_page (l->cr);
      return;
    }

  /* Recording: the next page on a surface of its own, the text state of
   * the block that moved on carried over. */
  {
    cairo_rectangle_t extents = { 0, 0, l->width, l->height };
    cairo_surface_t *surface = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA,
                                                               &extents);
    cairo_t *cr = cairo_create (surface);
    cairo_matrix_t font_matrix;

    np_export_setup_text (cr);
    cairo_set_font_face (cr, cairo_get_font_face (l->cr));
    cairo_get_font_matrix (l->cr, &font_matrix);
    cairo_set_font_matrix (cr, &font_matrix);
    cairo_set_source (cr, cairo_get_source (l->cr));
    cairo_set_line_width (cr, cairo_get_line_width (l->cr));
    cairo_destroy (l->cr);
    l->cr = cr;
    g_ptr_array_add (l->recorded, surface);
  }
}

/* ------------------------------------------------------------------------ */
/* Blocks                                                                     */
/* ------------------------------------------------------------------------ */

/* Moves to a new page unless @keep (the block and what must stay with it)
 * fits; returns TRUE when the block is on the page being drawn. */
static gboolean
place (Layout *l,
       double  keep)
{
  if (l->y + keep > l->bottom && l->y > l->top + 0.5)
    {
      if (l->draw_all)
        finish_page (l);
      l->page++;
      l->y = l->top;
    }
  return l->draw_all || l->page == l->draw_page;
}

static double
line_height (double size)
{
  return LINE * size;
}

static void
set_grey (cairo_t *cr,
          double   grey)
{
  cairo_set_source_rgb (cr, grey, grey, grey);
}

/* Draws one line of text with its top at @top, aligned left (0), centred
 * (0.5) or right (1) of @x. */
static void
show_line (cairo_t    *cr,
           double      x,
           double      top,
           double      align,
           const char *text,
           double      size)
{
  cairo_font_extents_t font;
  double baseline;

  cairo_font_extents (cr, &font);
  baseline = top + (line_height (size) - font.ascent - font.descent) / 2 + font.ascent;
  cairo_move_to (cr, x - align * np_export_text_width (cr, text), baseline);
  cairo_show_text (cr, text);
}

static void
hrule (cairo_t *cr,
       double   x0,
       double   x1,
       double   y,
       double   width,
       double   grey)
{
  cairo_set_line_width (cr, width);
  set_grey (cr, grey);
  cairo_move_to (cr, x0, y);
  cairo_line_to (cr, x1, y);
  cairo_stroke (cr);
}

/* A paragraph placed line by line, so that long notes break across pages;
 * @bullet, when given, hangs in front of the first line. */
static void
paragraph (Layout     *l,
           const char *text,
           double      indent,
           double      size,
           gboolean    bold,
           double      grey,
           const char *bullet)
{
  g_autoptr(GPtrArray) lines = NULL;
  double lh = line_height (size);
  double text_x = l->left + indent + (bullet != NULL ? 11.0 : 0.0);

  np_export_set_font (l->cr, size, bold);
  lines = np_export_wrap_text (l->cr, text, l->right - text_x);
  for (guint i = 0; i < lines->len; i++)
    {
      if (place (l, lh))
        {
          np_export_set_font (l->cr, size, bold);
          set_grey (l->cr, grey);
          if (bullet != NULL && i == 0)
            show_line (l->cr, l->left + indent, l->y, 0, bullet, size);
          show_line (l->cr, text_x, l->y, 0, g_ptr_array_index (lines, i), size);
        }
      l->y += lh;
    }
}

static void
gap (Layout *l,
     double  height)
{
  l->y += height;
}

/* A section heading, kept on the page of the @next_height that follows it. */
static void
heading (Layout     *l,
         const char *text,
         double      next_height)
{
  double lh = line_height (SIZE_HEADING);

  gap (l, 8);
  if (place (l, lh + 4 + next_height))
    {
      np_export_set_font (l->cr, SIZE_HEADING, TRUE);
      set_grey (l->cr, GREY_TEXT);
      show_line (l->cr, l->left, l->y, 0, text, SIZE_HEADING);
      hrule (l->cr, l->left, l->right, l->y + lh + 1.5, 0.6, GREY_RULE);
    }
  l->y += lh + 4;
}

/* ------------------------------------------------------------------------ */
/* Rows of cells (the case grid and the results table)                        */
/* ------------------------------------------------------------------------ */

typedef struct
{
  double width;                      /* fraction of the content width */
  double size;
  gboolean bold;
  double grey;
} Column;

static double
row_height (Layout        *l,
            const Column  *columns,
            guint          n_columns,
            const char   **cells)
{
  const double pad = 3.0;
  double height = 0;

  for (guint c = 0; c < n_columns; c++)
    {
      g_autoptr(GPtrArray) lines = NULL;

      np_export_set_font (l->cr, columns[c].size, columns[c].bold);
      lines = np_export_wrap_text (l->cr, cells[c] != NULL ? cells[c] : "",
                                   columns[c].width * (l->right - l->left) - 2 * pad);
      height = MAX (height, lines->len * line_height (columns[c].size));
    }
  return height + 2 * pad;
}

/* Lays out one row of wrapped cells and draws it when it is on the page
 * being drawn; @fill > 0 paints the row's background. */
static void
row (Layout         *l,
     const Column   *columns,
     guint           n_columns,
     const char    **cells,
     double          fill,
     gboolean        rule_below)
{
  const double pad = 3.0;
  GPtrArray *lines[8] = { NULL };
  double height = 0;
  double x;

  g_assert (n_columns <= G_N_ELEMENTS (lines));

  for (guint c = 0; c < n_columns; c++)
    {
      double cell_width = columns[c].width * (l->right - l->left) - 2 * pad;

      np_export_set_font (l->cr, columns[c].size, columns[c].bold);
      lines[c] = np_export_wrap_text (l->cr, cells[c] != NULL ? cells[c] : "", cell_width);
      height = MAX (height, lines[c]->len * line_height (columns[c].size));
    }
  height += 2 * pad;

  /* A row taller than a page (long notes) runs on over further pages line
   * by line instead of being cut off at the bottom of one. */
  if (height > l->bottom - l->top)
    {
      double lh = 0;
      guint n_lines = 0;

      for (guint c = 0; c < n_columns; c++)
        {
          lh = MAX (lh, line_height (columns[c].size));
          n_lines = MAX (n_lines, lines[c]->len);
        }
      for (guint k = 0; k < n_lines; k++)
        {
          if (place (l, lh))
            {
              x = l->left;
              for (guint c = 0; c < n_columns; c++)
                {
                  if (k < lines[c]->len)
                    {
                      np_export_set_font (l->cr, columns[c].size, columns[c].bold);
                      set_grey (l->cr, columns[c].grey);
                      show_line (l->cr, x + pad, l->y, 0, g_ptr_array_index (lines[c], k),
                                 columns[c].size);
                    }
                  x += columns[c].width * (l->right - l->left);
                }
            }
          l->y += lh;
        }
      l->y += 2 * pad;
      for (guint c = 0; c < n_columns; c++)
        g_ptr_array_unref (lines[c]);
      return;
    }

  if (place (l, height))
    {
      cairo_t *cr = l->cr;

      if (fill > 0)
        {
          cairo_rectangle (cr, l->left, l->y, l->right - l->left, height);
          set_grey (cr, fill);
          cairo_fill (cr);
        }
      x = l->left;
      for (guint c = 0; c < n_columns; c++)
        {
          np_export_set_font (cr, columns[c].size, columns[c].bold);
          set_grey (cr, columns[c].grey);
          for (guint k = 0; k < lines[c]->len; k++)
            show_line (cr, x + pad, l->y + pad + k * line_height (columns[c].size), 0,
                       g_ptr_array_index (lines[c], k), columns[c].size);
          x += columns[c].width * (l->right - l->left);
        }
      if (rule_below)
        hrule (cr, l->left, l->right, l->y + height, 0.4, GREY_RULE);
    }
  l->y += height;

  for (guint c = 0; c < n_columns; c++)
    g_ptr_array_unref (lines[c]);
}

/* ------------------------------------------------------------------------ */
/* Sections                                                                   */
/* ------------------------------------------------------------------------ */

static void
title_block (Layout *l)
{
  const NpPlan *plan = l->job->plan;
  double lh = line_height (SIZE_TITLE);

  if (place (l, lh))
    {
      np_export_set_font (l->cr, SIZE_TITLE, TRUE);
      set_grey (l->cr, GREY_TEXT);
      show_line (l->cr, l->left, l->y, 0, _("Injection plan report"), SIZE_TITLE);
      np_export_set_font (l->cr, SIZE_LABEL, FALSE);
      set_grey (l->cr, GREY_NOTE);
      show_line (l->cr, l->right, l->y + lh - line_height (SIZE_LABEL), 1, l->job->software,
                 SIZE_LABEL);
    }
  l->y += lh;
  if (plan->title != NULL && *plan->title != '\0')
    {
      gap (l, 2);
      paragraph (l, plan->title, 0, SIZE_SUBTITLE, FALSE, GREY_TEXT, NULL);
    }
  if (place (l, 6))
    hrule (l->cr, l->left, l->right, l->y + 4, 1.2, GREY_TEXT);
  l->y += 6;
}

static char *
or_not_stated (const char *text)
{
  return g_strdup (text != NULL && *text != '\0' ? text : _("Not stated"));
}

static char *
imaging_text (const NpExportJob *job)
{
  const NpPlan *plan = job->plan;

  if (plan->modality == NP_MODALITY_ULTRASOUND && plan->probe == NP_PROBE_UNSPECIFIED)
    return g_strdup (_("Ultrasound, probe not stated"));
  if (plan->modality == NP_MODALITY_ULTRASOUND)
    return g_strdup_printf (_("Ultrasound, %s probe"),
                            plan->probe == NP_PROBE_CURVILINEAR ? "curvilinear" : "linear");
  switch (plan->view)
    {
    case NP_VIEW_AP: return g_strdup (_("Fluoroscopy, AP view"));
    case NP_VIEW_LATERAL: return g_strdup (_("Fluoroscopy, lateral view"));
    case NP_VIEW_OBLIQUE: return g_strdup (_("Fluoroscopy, oblique view"));
    case NP_VIEW_NONE:
    default: return g_strdup (_("Fluoroscopy"));
    }
}

static char *
frame_text (const NpExportJob *job)
{
  NpFrame *frame = job->frame;
  const char *colour = np_frame_is_gray (frame) ? "grey" : "colour";

  if (np_frame_get_bit_depth (frame) == 16)
    return g_strdup_printf (_("%u × %u px, 16-bit %s, shown with window centre %.0f, width %.0f"),
                            np_frame_get_width (frame), np_frame_get_height (frame), colour,
                            job->options.window.center, job->options.window.width);
  return g_strdup_printf (_("%u × %u px, 8-bit %s"), np_frame_get_width (frame),
                          np_frame_get_height (frame), colour);
}

static void
case_section (Layout *l)
{
  const NpExportJob *job = l->job;
  const NpPlan *plan = job->plan;
  const NpApproach *approach = np_approach_lookup (plan->approach);
  const Column columns[] = {
    { 0.13, SIZE_LABEL, TRUE, GREY_LABEL }, { 0.37, SIZE_BODY, FALSE, GREY_TEXT },
    { 0.13, SIZE_LABEL, TRUE, GREY_LABEL }, { 0.37, SIZE_BODY, FALSE, GREY_TEXT },
  };
  const Column wide[] = {
    { 0.13, SIZE_LABEL, TRUE, GREY_LABEL }, { 0.87, SIZE_BODY, FALSE, GREY_TEXT },
  };
  g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func (g_free);

  /* label, value, label, value, ... in reading order, two pairs a row */
  if (job->options.anonymise)
    {
      g_ptr_array_add (pairs, g_strdup (_("Patient")));
      g_ptr_array_add (pairs, g_strdup (_("anonymised: name and ID left out")));
      g_ptr_array_add (pairs, g_strdup (_("Date")));
      g_ptr_array_add (pairs, g_strdup (job->date));
    }
  else
    {
      g_ptr_array_add (pairs, g_strdup (_("Patient")));
      g_ptr_array_add (pairs, or_not_stated (plan->patient_name));
      g_ptr_array_add (pairs, g_strdup (_("Patient ID")));
      g_ptr_array_add (pairs, or_not_stated (plan->patient_id));
    }
  /* Site and side each in their own cell: "not recorded" is the user's
   * explicit choice (np_export_check_recorded()), never a default. */
  g_ptr_array_add (pairs, g_strdup (_("Site")));
  g_ptr_array_add (pairs, g_strdup (plan->site == NP_SITE_UNSPECIFIED
                                    ? _("not recorded") : np_site_label (plan->site)));
  g_ptr_array_add (pairs, g_strdup (_("Side")));
  g_ptr_array_add (pairs, g_strdup (plan->side == NP_SIDE_UNSPECIFIED
                                    ? _("not recorded") : np_side_label (plan->side)));
  g_ptr_array_add (pairs, g_strdup (_("Condition")));
  g_ptr_array_add (pairs, g_strdup (np_condition_label (plan->condition)));
  g_ptr_array_add (pairs, g_strdup (_("Approach")));
  g_ptr_array_add (pairs, or_not_stated (approach != NULL ? _(approach->name) : plan->approach));
  g_ptr_array_add (pairs, g_strdup (_("Technique")));
  g_ptr_array_add (pairs, g_strdup (np_technique_label (plan->technique)));
  g_ptr_array_add (pairs, g_strdup (_("Injectate")));
  g_ptr_array_add (pairs, g_strdup (np_injectate_label (plan->injectate)));
  g_ptr_array_add (pairs, g_strdup (_("Volume")));
  g_ptr_array_add (pairs, plan->volume_ml > 0 ? g_strdup_printf ("%g ml", plan->volume_ml)
                                              : g_strdup (_("not stated")));
  g_ptr_array_add (pairs, g_strdup (_("Clinician")));
  g_ptr_array_add (pairs, or_not_stated (plan->clinician));
  if (!job->options.anonymise)
    {
      g_ptr_array_add (pairs, g_strdup (_("Date")));
      g_ptr_array_add (pairs, g_strdup (job->date));
    }
  g_ptr_array_add (pairs, g_strdup (_("Imaging")));
  g_ptr_array_add (pairs, imaging_text (job));
  g_ptr_array_add (pairs, g_strdup (_("Frame")));
  g_ptr_array_add (pairs, frame_text (job));

  heading (l, _("Case"), line_height (SIZE_BODY) + 6);
  for (guint i = 0; i < pairs->len; i += 4)
    {
      const char *cells[4] = { NULL };

      for (guint k = 0; k < 4 && i + k < pairs->len; k++)
        cells[k] = g_ptr_array_index (pairs, i + k);
      row (l, columns, 4, cells, 0, FALSE);
    }
  if (plan->notes != NULL && *plan->notes != '\0')
    {
      const char *cells[2] = { _("Notes"), plan->notes };
      row (l, wide, 2, cells, 0, FALSE);
    }
}

static void results_heights (Layout *l,
                             double *whole,
                             double *head);

/* The image's height on the page: as large as IMAGE_MAX_FRACTION allows,
 * but leaving room below it for the caption and the results table, so the
 * results begin on the same page: the whole table if the image can stay
 * above IMAGE_MIN_FRACTION, else the table's header and first rows. */
static double
image_height_allowed (Layout *l)
{
  double content = l->bottom - l->top;
  double after = 3 + line_height (SIZE_SMALL)                 /* the caption line */
                 + 8 + line_height (SIZE_HEADING) + 4 + 1;    /* the results heading */
  double room = l->bottom - (l->y + 10) - after;
  double whole, head;

  results_heights (l, &whole, &head);
  room -= room - whole >= IMAGE_MIN_FRACTION * content ? whole : head;
  return CLAMP (room, IMAGE_MIN_FRACTION * content, IMAGE_MAX_FRACTION * content);
}

/* One figure: @job's frame with its overlay, at most @max_height tall, and
 * @caption below it. */
static void
figure (Layout            *l,
        const NpExportJob *job,
        double             max_height,
        const char        *caption)
{
  double frame_width = np_frame_get_width (job->frame);
  double frame_height = np_frame_get_height (job->frame);
  double width = l->right - l->left;
  double scale = MIN (width / frame_width, max_height / frame_height);
  double x = l->left + (width - frame_width * scale) / 2;
  double height = frame_height * scale;

  gap (l, 10);
  if (place (l, height))
    {
      cairo_t *cr = l->cr;
      g_autoptr(GError) error = NULL;
      cairo_surface_t *surface = np_export_frame_surface (job, &error);

      cairo_save (cr);
      cairo_rectangle (cr, x, l->y, frame_width * scale, height);
      cairo_clip (cr);
      if (surface != NULL)
        {
          cairo_translate (cr, x, l->y);
          cairo_scale (cr, scale, scale);
          np_export_draw_image (cr, surface, job, scale);
          cairo_surface_destroy (surface);
        }
      else
        {
          /* Too large to hold in memory twice: say so where it would be. */
          set_grey (cr, GREY_FILL);
          cairo_paint (cr);
          np_export_set_font (cr, SIZE_BODY, FALSE);
          set_grey (cr, GREY_TEXT);
          show_line (cr, x + 6, l->y + 6, 0, error->message, SIZE_BODY);
        }
      cairo_restore (cr);

      cairo_set_line_width (cr, 0.6);
      set_grey (cr, GREY_TEXT);
      cairo_rectangle (cr, x, l->y, frame_width * scale, height);
      cairo_stroke (cr);
    }
  l->y += height + 3;
  paragraph (l, caption, 0, SIZE_SMALL, FALSE, GREY_NOTE, NULL);
}

static void
image_section (Layout *l)
{
  const NpExportJob *job = l->job;

  figure (l, job, image_height_allowed (l),
          _("The frame with the marks and the path exactly as drawn in NeedlePlan."));
}

/* The second view the plan records, after the results it helped compute;
 * or, when it cannot be shown, why not. */
static void
second_view_section (Layout *l)
{
  const NpExportJob *job = l->job;

  if (job->second != NULL)
    {
      g_autofree char *caption = g_strdup_printf (_("%s, with its target and entry marks."),
                                                  job->second_caption);

      figure (l, job->second, IMAGE_MAX_FRACTION * (l->bottom - l->top), caption);
    }
  else if (job->second_problem != NULL)
    {
      gap (l, 10);
      paragraph (l, job->second_problem, 0, SIZE_BODY, TRUE, GREY_TEXT, NULL);
    }
}

/* The rows of the results table: measure, value, 95 % interval, note. */
static GPtrArray *
result_rows (const NpExportJob *job)
{
  const NpPlan *plan = job->plan;
  const NpPlanResults *r = job->results;
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  gboolean fluoroscopy = plan->modality == NP_MODALITY_FLUOROSCOPY;

#define ADD_ROW(a, b, c, d)                                                            \
  G_STMT_START {                                                                       \
    char **cells_ = g_new0 (char *, 5);                                                \
    cells_[0] = (a); cells_[1] = (b); cells_[2] = (c); cells_[3] = (d);                \
    g_ptr_array_add (rows, cells_);                                                    \
  } G_STMT_END

  if (r->has_depth)
    {
      char *note;

      g_autofree char *source = r->has_depth_ci
        ? np_planner_interval_source_describe (r, r->depth_ci_source) : NULL;

      if (plan->modality == NP_MODALITY_ULTRASOUND && r->calibrated
          && plan->speed_of_sound_m_s != NP_PLANNER_SPEED_ASSUMED_M_S)
        note = g_strdup_printf (_("below the skin line, for a tissue speed of %g m/s%s%s"),
                                plan->speed_of_sound_m_s, source != NULL ? _("; interval ") : "",
                                source != NULL ? source : "");
      else if (r->has_two_views)
        note = g_strdup_printf (_("below the entry, from two views %g° apart (%s)%s%s"),
                                r->views_angle_deg, r->two_views.cone_beam
                                ? _("cone beam") : _("parallel projections"),
                                source != NULL ? _("; interval ") : "",
                                source != NULL ? source : "");
      else
        note = g_strdup_printf (_("below the skin line%s%s"), source != NULL ? _("; interval ") : "",
                                source != NULL ? source : "");
      ADD_ROW (g_strdup (_("Target depth")), np_export_format_length (r, r->depth),
               r->has_depth_ci ? np_export_format_interval (r, r->depth_ci95) : g_strdup ("—"),
               note);
    }
  else if (r->has_two_views)
    ADD_ROW (g_strdup (_("Target depth")), g_strdup_printf ("%.1f mm", r->two_views.depth_mm),
             g_strdup ("—"), g_strdup_printf (_("from two views %.0f° apart"), r->views_angle_deg));
  else
    ADD_ROW (g_strdup (_("Target depth")), g_strdup ("—"), g_strdup ("—"),
             g_strdup (r->second_view_of_pair
                       ? _("from this lateral view and its AP view together")
                       : fluoroscopy ? _("needs a second view: one projection has no depth")
                                     : _("not computed (see warnings)")));

  if (r->has_path)
    {
      g_autofree char *source = r->has_path_ci
        ? np_planner_interval_source_describe (r, r->path_ci_source) : NULL;

      ADD_ROW (g_strdup (_("Path length")), np_export_format_length (r, r->path_length),
               r->has_path_ci ? np_export_format_interval (r, r->path_length_ci95)
                              : g_strdup ("—"),
               g_strdup_printf (r->has_two_views ? _("entry to target in 3-D, from two views%s%s")
                                                 : _("entry to target, inside the body%s%s"),
                                source != NULL ? _("; interval ") : "",
                                source != NULL ? source : ""));
    }
  else if (r->has_two_views)
    ADD_ROW (g_strdup (_("Path length")), g_strdup_printf ("%.1f mm", r->two_views.path_length_mm),
             g_strdup ("—"), g_strdup (_("from two views")));
  else if (np_export_is_down_the_beam (r))
    ADD_ROW (g_strdup (_("Path")), g_strdup ("coaxial"), g_strdup ("—"),
             g_strdup (_("entry over the target: the needle runs down the beam")));
  else if (!r->has_projection)
    ADD_ROW (g_strdup (_("Path length")), g_strdup ("—"), g_strdup ("—"),
             g_strdup (_("needs an entry and a target")));

  if (r->has_angle)
    {
      g_autofree char *source = r->has_angle_ci
        ? np_planner_interval_source_describe (r, r->angle_ci_source) : NULL;

      ADD_ROW (g_strdup (_("Insertion angle")), g_strdup_printf ("%.0f°", r->insertion_angle_deg),
               r->has_angle_ci ? g_strdup_printf ("%.0f–%.0f°", r->insertion_angle_ci95[0],
                                                  r->insertion_angle_ci95[1])
                               : g_strdup ("—"),
               g_strdup_printf (_("needle to skin; 90° is perpendicular%s%s"),
                                source != NULL ? _("; interval ") : "",
                                source != NULL ? source : ""));
    }

  if (r->has_projection && !np_export_is_down_the_beam (r))
    {
      ADD_ROW (g_strdup (_("Projected path length")),
               np_export_format_length (r, r->projected_path_length), g_strdup ("—"),
               g_strdup (_("in the image plane")));
      ADD_ROW (g_strdup (_("Projected angle")), g_strdup_printf ("%.0f°", r->projected_angle_deg),
               g_strdup ("—"), g_strdup (_("to the image's horizontal axis")));
    }

  {
    g_autofree char *gauges = np_export_gauges_text (r);
    char *note;

    if (r->has_needle)
      {
        g_autofree char *rule = r->needle_from_interval
          ? g_strdup_printf (_("covers the upper end of the path's 95 %% interval (%.1f mm) + "
                             "%.0f mm outside the skin"), r->needle_basis,
                             NP_PLANNER_NEEDLE_OUTSIDE_MM)
          : g_strdup_printf (_("covers the path (%.1f mm) + %.0f mm outside the skin"),
                             r->needle_basis, NP_PLANNER_NEEDLE_OUTSIDE_MM);

        note = gauges != NULL ? g_strdup_printf ("%s; %s", gauges, rule) : g_strdup (rule);
      }
    else if (!r->calibrated)
      note = g_strdup (_("needs a calibration"));
    else
      note = g_strdup (gauges != NULL ? gauges : _("no recommendation (see warnings)"));
    ADD_ROW (g_strdup (_("Needle length")),
             r->has_needle ? np_export_needle_text (r) : g_strdup ("—"), g_strdup ("—"), note);
  }

  if (np_visibility_to_string (r->visibility) != NULL)
    ADD_ROW (g_strdup (_("Needle visibility")), g_strdup (np_visibility_to_string (r->visibility)),
             g_strdup ("—"), g_strdup (_("in plane, from the insertion angle")));

  if (r->has_walkdown)
    {
      g_autofree char *offset = np_export_format_length (r, r->walkdown_offset);
      ADD_ROW (g_strdup (_("Walk-down angle")), g_strdup_printf ("%.0f°", r->walkdown_angle_deg),
               g_strdup ("—"),
               g_strdup_printf (_("out of plane: enter %s from the probe's plane"), offset));
    }

  if (r->has_fov_entry)
    ADD_ROW (g_strdup (_("Needle comes into view")), np_export_format_length (r, r->fov_entry_depth),
             g_strdup ("—"), g_strdup (_("depth at which the shaft enters the image")));

  for (guint i = 0; r->clearances != NULL && i < r->clearances->len; i++)
    {
      const NpStructureClearance *c = &g_array_index (r->clearances, NpStructureClearance, i);
      g_autofree char *kind = np_export_structure_kind_text (c->kind);
      g_autofree char *label = c->label != NULL ? np_export_clean_text (c->label)
                                                : g_strdup (kind);
      char *note;

      g_autofree char *source = c->has_ci
        ? np_planner_interval_source_describe (r, c->ci_source) : NULL;

      if (c->entered)
        note = g_strdup (_("the path crosses it"));
      else if (!r->calibrated)
        note = g_strdup_printf (_("%g mm margin not checked: no calibration"), c->margin_mm);
      else if (c->within_margin)
        note = g_strdup_printf (_("inside its %g mm margin"), c->margin_mm);
      else if (c->margin_at_risk)
        note = g_strdup_printf (_("%g mm margin kept, but the 95 %% interval reaches below it: "
                                "the margin may be breached"), c->margin_mm);
      else
        note = g_strdup_printf (_("%g mm margin kept"), c->margin_mm);
      if (source != NULL)
        {
          char *longer = g_strdup_printf (_("%s; interval %s"), note, source);

          g_free (note);
          note = longer;
        }
      ADD_ROW (g_strdup_printf (_("Clearance to %s (%s)%s"), label, kind,
                                (gint) i == r->nearest ? _(", nearest") : ""),
               np_export_format_length (r, c->entered ? 0.0 : c->clearance),
               c->has_ci ? np_export_format_interval (r, c->clearance_ci95) : g_strdup ("—"),
               note);
    }

  for (guint i = 0; r->measurements != NULL && i < r->measurements->len; i++)
    {
      const NpMeasurementValue *m = &g_array_index (r->measurements, NpMeasurementValue, i);
      static const char *const kinds[] = { "distance", "angle", "depth" };
      const char *kind = (guint) m->kind < G_N_ELEMENTS (kinds) ? kinds[m->kind] : "value";
      char *value;

      if (!m->valid)
        value = g_strdup ("—");
      else if (m->kind == NP_MEASURE_ANGLE)
        value = g_strdup_printf ("%.0f°", m->value);
      else
        value = np_export_format_length (r, m->value);
      ADD_ROW (g_strdup_printf (_("Measurement %u (%s)"), i + 1, kind), value, g_strdup ("—"),
               m->outside_region
               ? g_strdup_printf (_("outside the calibrated region: %s"), m->outside_reason)
               : g_strdup (m->valid ? _("marked by the clinician") : _("cannot be computed")));
    }

#undef ADD_ROW
  return rows;
}

static const Column RESULT_COLUMNS[4] = {
  { 0.30, SIZE_TABLE, FALSE, GREY_TEXT }, { 0.19, SIZE_TABLE, TRUE, GREY_TEXT },
  { 0.17, SIZE_TABLE, FALSE, GREY_TEXT }, { 0.34, SIZE_TABLE, FALSE, GREY_NOTE },
};
static const Column RESULT_HEADER[4] = {
  { 0.30, SIZE_LABEL, TRUE, GREY_TEXT }, { 0.19, SIZE_LABEL, TRUE, GREY_TEXT },
  { 0.17, SIZE_LABEL, TRUE, GREY_TEXT }, { 0.34, SIZE_LABEL, TRUE, GREY_TEXT },
};
static const char *const RESULT_TITLES[4] = { N_("Measure"), N_("Value"),
  /* xgettext:no-c-format */ N_("95 % interval"), N_("Note") };

/* Rows of the results table that must stand with its header on a page. */
#define RESULT_ROWS_KEPT 3

/* The results table's height, whole and as its header with the first
 * RESULT_ROWS_KEPT rows (what must stand together on a page). */
static void
results_heights (Layout *l,
                 double *whole,
                 double *head)
{
  g_autoptr(GPtrArray) rows = NULL;
  double header_height, first = 0;
  const char *titles[4] = { _(RESULT_TITLES[0]), _(RESULT_TITLES[1]), _(RESULT_TITLES[2]),
                            _(RESULT_TITLES[3]) };

  if (l->job->results == NULL)
    {
      *whole = *head = line_height (SIZE_BODY);
      return;
    }
  rows = result_rows (l->job);
  header_height = row_height (l, RESULT_HEADER, 4, titles);
  *whole = header_height;
  for (guint i = 0; i < rows->len; i++)
    {
      double height = row_height (l, RESULT_COLUMNS, 4, g_ptr_array_index (rows, i));

      *whole += height;
      if (i < RESULT_ROWS_KEPT)
        first += height;
    }
  *head = header_height + first;
}

/* What the results heading keeps on its page: the whole table when it fits
 * in the rest of the page, else its header and first rows; the table then
 * continues overleaf under its header again. So the results start on the
 * page of the image (image_height_allowed() left them room there). */
static double
results_keep (Layout *l)
{
  double whole, head;

  results_heights (l, &whole, &head);
  return l->y + 8 + line_height (SIZE_HEADING) + 4 + whole <= l->bottom ? whole : head;
}

static void
results_section (Layout *l)
{
  const NpExportJob *job = l->job;
  const NpPlanResults *r = job->results;
  const Column *columns = RESULT_COLUMNS;
  const Column *header = RESULT_HEADER;
  const char *titles[4] = { _(RESULT_TITLES[0]), _(RESULT_TITLES[1]), _(RESULT_TITLES[2]),
                            _(RESULT_TITLES[3]) };
  g_autoptr(GPtrArray) rows = NULL;
  double header_height;

  if (r == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The results could not be computed: %s"),
                                               job->results_problem != NULL
                                               ? job->results_problem : _("unknown reason"));
      heading (l, _("Results"), line_height (SIZE_BODY));
      paragraph (l, text, 0, SIZE_BODY, TRUE, GREY_TEXT, NULL);
      return;
    }

  rows = result_rows (job);
  header_height = row_height (l, header, 4, titles);
  heading (l, r->calibrated ? _("Results") : _("Results (not calibrated: values in pixels)"),
           results_keep (l));
  /* The header row starts the table and every page it continues on. */
  for (guint i = 0; i < rows->len; i++)
    {
      const char **cells = g_ptr_array_index (rows, i);
      double height = row_height (l, columns, 4, cells);

      if (i == 0 || l->y + height > l->bottom)
        {
          place (l, header_height + height);
          row (l, header, 4, titles, GREY_FILL, TRUE);
        }
      row (l, columns, 4, cells, 0, TRUE);
    }

  gap (l, 3);
  if (r->has_depth_ci || r->has_path_ci)
    {
      g_autofree char *text = r->speed_of_sound_m_s > 0
        ? g_strdup_printf (
            _("95 %% intervals from %u Monte Carlo samples: the calibration's standard error, a "
            "click error of %g px per mark and a tissue speed of sound normal about %.0f m/s "
            "with a standard deviation of %g m/s (95 %%: %.0f–%.0f m/s)."),
            r->mc_samples, job->plan->mark_error_px, r->speed_of_sound_m_s,
            r->speed_of_sound_sd_m_s, r->speed_of_sound_m_s - 1.96 * r->speed_of_sound_sd_m_s,
            r->speed_of_sound_m_s + 1.96 * r->speed_of_sound_sd_m_s)
        : g_strdup_printf (
            _("95 %% intervals from %u Monte Carlo samples: the calibrations' standard errors and "
            "a click error of %g px per mark."), r->mc_samples, job->plan->mark_error_px);
      paragraph (l, text, 0, SIZE_SMALL, FALSE, GREY_NOTE, NULL);
    }
  else
    paragraph (l, /* xgettext:no-c-format */ _("No 95 % intervals: they need a calibrated ultrasound plan with an entry and "
                  "a target."), 0, SIZE_SMALL, FALSE, GREY_NOTE, NULL);
}

static void
calibration_section (Layout *l)
{
  const NpPlan *plan = l->job->plan;
  const NpCalibration *cal = plan->calibration;
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

  heading (l, _("Calibration"), 2 * line_height (SIZE_BODY));
  if (!np_calibration_is_calibrated (cal))
    {
      paragraph (l, _("Not calibrated. Every length is in pixels: no millimetre value is given, "
                    "and the safety margins around structures could not be checked."),
                 0, SIZE_BODY, TRUE, GREY_TEXT, NULL);
      return;
    }

  g_ptr_array_add (lines, g_strdup_printf (_("Method: %s."),
                                           np_calibration_method_describe (cal->method)));
  if (cal->mm_per_px_x == cal->mm_per_px_y && cal->se_mm_per_px_x == cal->se_mm_per_px_y)
    {
      if (cal->se_mm_per_px_x > 0)
        g_ptr_array_add (lines, g_strdup_printf (_("Pixel size: %.4f mm/px ± %.4f mm/px (standard "
                                                 "error)."), cal->mm_per_px_x, cal->se_mm_per_px_x));
      else
        g_ptr_array_add (lines, g_strdup_printf (_("Pixel size: %.4f mm/px (standard error not "
                                                 "known)."), cal->mm_per_px_x));
    }
  else
    g_ptr_array_add (lines, g_strdup_printf (_("Pixel size: %.4f mm/px across ± %.4f, %.4f mm/px "
                                             "down ± %.4f (standard errors)."),
                                             cal->mm_per_px_x, cal->se_mm_per_px_x,
                                             cal->mm_per_px_y, cal->se_mm_per_px_y));
  if (cal->has_region)
    g_ptr_array_add (lines, g_strdup_printf (_("Valid in the region x %.0f–%.0f px, y %.0f–%.0f px "
                                             "of the frame."), cal->region.x,
                                             cal->region.x + cal->region.width, cal->region.y,
                                             cal->region.y + cal->region.height));
  else
    g_ptr_array_add (lines, g_strdup (_("Valid for the whole frame.")));
  if (plan->modality == NP_MODALITY_ULTRASOUND)
    {
      if (plan->speed_of_sound_m_s != NP_PLANNER_SPEED_ASSUMED_M_S)
        g_ptr_array_add (lines, g_strdup_printf (_("Depths are scaled for a tissue speed of sound "
                                                 "of %g m/s; the scanner assumes %.0f m/s."),
                                                 plan->speed_of_sound_m_s,
                                                 NP_PLANNER_SPEED_ASSUMED_M_S));
      else
        g_ptr_array_add (lines, g_strdup_printf (_("Speed of sound: %.0f m/s, as the scanner "
                                                 "assumes."), NP_PLANNER_SPEED_ASSUMED_M_S));
    }
  if (cal->note != NULL && *cal->note != '\0')
    g_ptr_array_add (lines, g_strdup_printf (_("Note: %s."), cal->note));

  for (guint i = 0; i < lines->len; i++)
    paragraph (l, g_ptr_array_index (lines, i), 0, SIZE_BODY, FALSE, GREY_TEXT, NULL);
}

static void
warnings_section (Layout *l)
{
  const NpPlanResults *r = l->job->results;

  heading (l, _("Warnings"), line_height (SIZE_BODY));
  if (r == NULL || r->warnings == NULL || r->warnings->len == 0)
    {
      paragraph (l, r == NULL ? _("None can be given without results.") : _("None."), 0, SIZE_BODY,
                 FALSE, GREY_TEXT, NULL);
      return;
    }
  for (guint i = 0; i < r->warnings->len; i++)
    {
      const char *warning = g_ptr_array_index (r->warnings, i);
      g_autofree char *text = g_str_has_suffix (warning, ".") ? g_strdup (warning)
                                                             : g_strconcat (warning, ".", NULL);

      paragraph (l, text, 0, SIZE_BODY, FALSE, GREY_TEXT, "•");
      gap (l, 1.5);
    }
}

/* The statement in a box, then the signature lines, kept together. */
static void
closing_section (Layout *l)
{
  const NpPlan *plan = l->job->plan;
  const double pad = 8.0;
  const double size = 10.0;
  double lh = line_height (size);
  double box_width = l->right - l->left;
  double signature_height = 58.0;
  g_autoptr(GPtrArray) lines = NULL;
  double box_height;

  np_export_set_font (l->cr, size, TRUE);
  lines = np_export_wrap_text (l->cr, NP_EXPORT_PLANNING_AID_STATEMENT, box_width - 2 * pad);
  box_height = lines->len * lh + 2 * pad;

  gap (l, 16);
  if (place (l, box_height + signature_height))
    {
      cairo_t *cr = l->cr;
      double columns[3] = { 0.0, 0.42, 0.78 };
      const char *labels[3] = { _("Clinician"), _("Signature"), _("Date") };
      double line_y = l->y + box_height + signature_height - 16;
      g_autofree char *clinician = np_export_clean_text (plan->clinician);

      cairo_set_line_width (cr, 1.0);
      set_grey (cr, GREY_TEXT);
      cairo_rectangle (cr, l->left + 0.5, l->y + 0.5, box_width - 1, box_height - 1);
      cairo_stroke (cr);
      np_export_set_font (cr, size, TRUE);
      for (guint i = 0; i < lines->len; i++)
        show_line (cr, l->left + pad, l->y + pad + i * lh, 0, g_ptr_array_index (lines, i),
                   size);

      for (guint i = 0; i < 3; i++)
        {
          double x0 = l->left + columns[i] * box_width;
          double x1 = i < 2 ? l->left + columns[i + 1] * box_width - 18 : l->right;

          hrule (cr, x0, x1, line_y, 0.8, GREY_TEXT);
          np_export_set_font (cr, SIZE_LABEL, FALSE);
          set_grey (cr, GREY_LABEL);
          show_line (cr, x0, line_y + 2, 0, labels[i], SIZE_LABEL);
          if (i == 0 && *clinician != '\0')
            {
              np_export_set_font (cr, SIZE_BODY, FALSE);
              set_grey (cr, GREY_TEXT);
              show_line (cr, x0, line_y - line_height (SIZE_BODY) - 1, 0, clinician, SIZE_BODY);
            }
        }
    }
  l->y += box_height + signature_height;
}

/* Header of pages after the first, footer of every page. */
static void
page_furniture (Layout *l)
{
  const NpExportJob *job = l->job;
  const NpPlan *plan = job->plan;
  cairo_t *cr = l->cr;
  g_autofree char *site = np_export_site_and_side (plan);
  g_autofree char *page = g_strdup_printf (_("Page %u of %u"), l->draw_page + 1, l->n_pages);
  double footer_y = l->height - MARGIN_BOTTOM + 14;

  if (l->draw_page > 0)
    {
      g_autofree char *left = g_strdup_printf (_("Injection plan report · %s · %s"), site, job->date);
      double header_y = MARGIN_TOP - 24;

      np_export_set_font (cr, SIZE_SMALL, FALSE);
      set_grey (cr, GREY_NOTE);
      show_line (cr, l->left, header_y, 0, left, SIZE_SMALL);
      if (!job->options.anonymise && ((plan->patient_name != NULL && *plan->patient_name)
                                      || (plan->patient_id != NULL && *plan->patient_id)))
        {
          g_autofree char *who = g_strdup_printf (_("Patient: %s%s%s"),
                                                  plan->patient_name ? plan->patient_name : "",
                                                  plan->patient_name && plan->patient_id
                                                  ? _(" · ID ") : "",
                                                  plan->patient_id ? plan->patient_id : "");
          g_autofree char *clean = np_export_clean_text (who);
          show_line (cr, l->right, header_y, 1, clean, SIZE_SMALL);
        }
      hrule (cr, l->left, l->right, header_y + line_height (SIZE_SMALL) + 2, 0.4, GREY_RULE);
    }

  hrule (cr, l->left, l->right, footer_y, 0.4, GREY_RULE);
  np_export_set_font (cr, SIZE_SMALL, FALSE);
  set_grey (cr, GREY_NOTE);
  show_line (cr, l->left, footer_y + 3, 0,
             _("Planning aid, not a substitute for the clinician's judgement at the procedure."),
             SIZE_SMALL);
  show_line (cr, l->right, footer_y + 3, 1, page, SIZE_SMALL);
  {
    g_autofree char *made = g_strdup_printf ("%s · %s", job->software, job->date);
    show_line (cr, l->left, footer_y + 3 + line_height (SIZE_SMALL), 0, made, SIZE_SMALL);
  }
}

/* Lays out the whole report; draws the page l->draw_page. Returns the
 * number of pages. */
static guint
lay_out (Layout *l)
{
  l->page = 0;
  l->y = l->top;

  title_block (l);
  case_section (l);
  image_section (l);
  results_section (l);
  second_view_section (l);
  calibration_section (l);
  warnings_section (l);
  closing_section (l);
  return l->page + 1;
}

static void
layout_init (Layout            *l,
             cairo_t           *cr,
             const NpExportJob *job,
             double             width,
             double             height)
{
  memset (l, 0, sizeof *l);
  l->cr = cr;
  l->job = job;
  l->width = width;
  l->height = height;
  l->left = MARGIN_X;
  l->right = width - MARGIN_X;
  l->top = MARGIN_TOP;
  l->bottom = height - MARGIN_BOTTOM;
  l->draw_page = G_MAXUINT;
}

static guint
count_pages (const NpExportJob *job,
             double             width,
             double             height)
{
  cairo_surface_t *scratch = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1, 1);
  cairo_t *cr = cairo_create (scratch);
  Layout layout;
  guint n_pages;

  np_export_setup_text (cr);
  layout_init (&layout, cr, job, width, height);
  n_pages = lay_out (&layout);
  cairo_destroy (cr);
  cairo_surface_destroy (scratch);
  return n_pages;
}

/**
 * np_export_report_n_pages:
 * @results: (nullable): the planner's results with intervals; %NULL computes them
 * @options: (nullable): %NULL for the defaults; the paper is @width_pt × @height_pt
 *
 * Returns: the number of pages of the report on paper of this size
 */
guint
np_export_report_n_pages (NpFrame               *frame,
                          const NpPlan          *plan,
                          const NpPlanResults   *results,
                          const NpExportOptions *options,
                          double                 width_pt,
                          double                 height_pt)
{
  NpExportJob job;
  guint n_pages;

  g_return_val_if_fail (frame != NULL, 0);
  g_return_val_if_fail (plan != NULL, 0);
  g_return_val_if_fail (width_pt > 2 * MARGIN_X && height_pt > MARGIN_TOP + MARGIN_BOTTOM, 0);

  np_export_job_init (&job, frame, plan, results, options, NULL);
  n_pages = count_pages (&job, width_pt, height_pt);
  np_export_job_clear (&job);
  return n_pages;
}

/**
 * np_export_draw_report:
 *
 * Draws every page of the report with cairo_show_page() after each, in one
 * layout pass: drawing page by page lays the report out again for every
 * page, quadratic in its length (a thousand structures took minutes).
 *
 * Returns: the number of pages drawn
 */
guint
np_export_draw_report (cairo_t           *cr,
                       double             width_pt,
                       double             height_pt,
                       const NpExportJob *job)
{
  Layout layout;

  g_return_val_if_fail (cr != NULL && job != NULL, 0);
  g_return_val_if_fail (width_pt > 2 * MARGIN_X && height_pt > MARGIN_TOP + MARGIN_BOTTOM, 0);

  cairo_save (cr);
  np_export_setup_text (cr);
  layout_init (&layout, cr, job, width_pt, height_pt);
  layout.n_pages = count_pages (job, width_pt, height_pt);
  layout.draw_all = TRUE;
  lay_out (&layout);
  finish_page (&layout);
  cairo_restore (cr);
  return layout.page + 1;
}

/**
 * np_export_record_report:
 * @results: (nullable): the planner's results with intervals; %NULL computes them
 * @options: (nullable): %NULL for the defaults
 *
 * Lays the report out once and records every page on a cairo recording
 * surface of @width_pt × @height_pt points, for GtkPrintOperation's
 * draw-page to replay: drawing each page with np_export_draw_report_page()
 * lays the whole report out again for every page, quadratic in its length.
 *
 * Returns: (transfer full) (element-type cairo_surface_t): the pages, in
 *   order
 */
GPtrArray *
np_export_record_report (double                 width_pt,
                         double                 height_pt,
                         NpFrame               *frame,
                         const NpPlan          *plan,
                         const NpPlanResults   *results,
                         const NpExportOptions *options)
{
  GPtrArray *pages;
  cairo_rectangle_t extents = { 0, 0, width_pt, height_pt };
  cairo_surface_t *first;
  NpExportJob job;
  Layout layout;

  g_return_val_if_fail (frame != NULL, NULL);
  g_return_val_if_fail (plan != NULL, NULL);
  g_return_val_if_fail (width_pt > 2 * MARGIN_X && height_pt > MARGIN_TOP + MARGIN_BOTTOM, NULL);

  pages = g_ptr_array_new_with_free_func ((GDestroyNotify) cairo_surface_destroy);
  np_export_job_init (&job, frame, plan, results, options, NULL);
  first = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, &extents);
  g_ptr_array_add (pages, first);
  layout_init (&layout, cairo_create (first), &job, width_pt, height_pt);
  np_export_setup_text (layout.cr);
  layout.n_pages = count_pages (&job, width_pt, height_pt);
  layout.draw_all = TRUE;
  layout.recorded = pages;
  lay_out (&layout);
  /* The last page's furniture; no page follows it. */
  cairo_save (layout.cr);
  layout.draw_page = layout.page;
  page_furniture (&layout);
  cairo_restore (layout.cr);
  cairo_destroy (layout.cr);
  np_export_job_clear (&job);
  return pages;
}

/**
 * np_export_draw_report_page:
 * @cr: any context whose user space is in points, origin at the page's top left
 * @page: from 0 to np_export_report_n_pages() - 1
 * @results: (nullable): the planner's results with intervals; %NULL computes them
 * @options: (nullable): %NULL for the defaults
 *
 * Draws one page of the report: the PDF export and GtkPrintOperation's
 * draw-page both call this.
 */
void
np_export_draw_report_page (cairo_t               *cr,
                            double                 width_pt,
                            double                 height_pt,
                            guint                  page,
                            NpFrame               *frame,
                            const NpPlan          *plan,
                            const NpPlanResults   *results,
                            const NpExportOptions *options)
{
  NpExportJob job;
  Layout layout;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (frame != NULL);
  g_return_if_fail (plan != NULL);
  g_return_if_fail (width_pt > 2 * MARGIN_X && height_pt > MARGIN_TOP + MARGIN_BOTTOM);

  np_export_job_init (&job, frame, plan, results, options, NULL);

  cairo_save (cr);
  np_export_setup_text (cr);
  layout_init (&layout, cr, &job, width_pt, height_pt);
  layout.n_pages = count_pages (&job, width_pt, height_pt);
  if (page < layout.n_pages)
    {
      layout.draw_page = page;
      lay_out (&layout);
      page_furniture (&layout);
    }
  cairo_restore (cr);

  np_export_job_clear (&job);
}
