/* np-training-history-chart.c: the progress chart of the training history
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-training-history.h"

#include "np-error.h"
#include "np-file.h"

#include <math.h>
#include <glib/gi18n-lib.h>

/* The chart paints its own card, so it reads the same on a light or a dark
 * window and in an exported PNG; the style picks which card. */

typedef struct
{
  double r, g, b;
} Rgb;

typedef struct
{
  Rgb card;
  Rgb ink;          /* titles and labels */
  Rgb muted;        /* axis titles, notes */
  Rgb grid;
  Rgb axis;
  Rgb series;       /* means and whiskers */
  Rgb critical;     /* sessions with a critical error */
} Palette;

#define HEX(rgb) \
  { ((rgb) >> 16 & 0xff) / 255.0, ((rgb) >> 8 & 0xff) / 255.0, ((rgb) & 0xff) / 255.0 }

/* Ink on card contrast is above 12:1, the series above 4.5:1, in both. */
static const Palette palettes[] = {
  [NP_TRAINING_CHART_LIGHT] = {
    HEX (0xffffff), HEX (0x1e1e1e), HEX (0x585858), HEX (0xdedede), HEX (0x8f8f8f),
    HEX (0x1c71d8), HEX (0xc01c28),
  },
  [NP_TRAINING_CHART_DARK] = {
    HEX (0x242424), HEX (0xf1f1f1), HEX (0xb8b8b8), HEX (0x424242), HEX (0x808080),
    HEX (0x62a0ea), HEX (0xf66151),
  },
};

static void
set_colour (cairo_t   *cr,
            const Rgb *c,
            double     alpha)
{
  cairo_set_source_rgba (cr, c->r, c->g, c->b, alpha);
}

static void
set_font (cairo_t *cr,
          double   size,
          gboolean bold)
{
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL,
                          bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, size);
}

static double
text_width (cairo_t    *cr,
            const char *text)
{
  cairo_text_extents_t extents;

  cairo_text_extents (cr, text, &extents);
  return extents.x_advance;
}

/* Draws @text with its anchor at (x, y): align 0 left, 0.5 centre, 1 right;
 * y is the middle of the capital letters. */
static void
draw_text (cairo_t    *cr,
           const char *text,
           double      x,
           double      y,
           double      align)
{
  cairo_font_extents_t font;

  cairo_font_extents (cr, &font);
  cairo_move_to (cr, x - align * text_width (cr, text), y + font.ascent * 0.36);
  cairo_show_text (cr, text);
  /* show_text leaves a current point; a later arc would join it with a line. */
  cairo_new_path (cr);
}

static void
rounded_rectangle (cairo_t *cr,
                   double   x,
                   double   y,
                   double   width,
                   double   height,
                   double   radius)
{
  radius = MIN (radius, MIN (width, height) / 2);
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + width - radius, y + radius, radius, -G_PI / 2, 0);
  cairo_arc (cr, x + width - radius, y + height - radius, radius, 0, G_PI / 2);
  cairo_arc (cr, x + radius, y + height - radius, radius, G_PI / 2, G_PI);
  cairo_arc (cr, x + radius, y + radius, radius, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

/* "15 Apr" from an ISO 8601 date, or NULL. */
static char *
short_date (const char *iso_date)
{
  g_autoptr(GDateTime) date = g_date_time_new_from_iso8601 (iso_date, NULL);
  static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

  /* Month names in English, like the rest of the chart, whatever the locale. */
  if (date == NULL)
    return NULL;
  return g_strdup_printf ("%d %s", g_date_time_get_day_of_month (date),
                          months[g_date_time_get_month (date) - 1]);
}

/**
 * np_training_history_draw_progress_styled:
 * @cr: any Cairo context; the chart fills (0, 0) – (@width, @height)
 *
 * Mean overall score per session with whiskers of ± one standard
 * deviation (clipped to 0–100), on a card of its own. Sessions with a
 * critical error are marked with a ring in the warning colour.
 */
void
np_training_history_draw_progress_styled (cairo_t                 *cr,
                                          double                   width,
                                          double                   height,
                                          const NpTrainingHistory *history,
                                          NpTrainingChartStyle     style)
{
  const Palette *p;
  guint n_sessions;
  double unit, font, small, pad, left, right, top, bottom, plot_w, plot_h, step;
  double label_w = 0, date_w = 0, prev_x = NAN, prev_y = NAN, title_end;
  guint label_every, date_every;
  gboolean any_critical = FALSE;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (history != NULL);
  g_return_if_fail ((guint) style < G_N_ELEMENTS (palettes));

  if (!(width > 0 && height > 0))
    return;

  p = &palettes[style];
  n_sessions = np_training_history_get_n_sessions (history);
  unit = MIN (width, height * 1.6);
  font = CLAMP (unit / 40, 10, 18);
  small = font * 0.85;
  pad = font * 1.2;

  cairo_save (cr);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);

  rounded_rectangle (cr, 0, 0, width, height, font * 0.6);
  set_colour (cr, &p->card, 1);
  cairo_fill (cr);

  for (guint s = 0; s < n_sessions && !any_critical; s++)
    {
      NpTrainingSummary critical;

      any_critical = np_training_history_summarize (history, s, NP_TRAINING_METRIC_CRITICAL_ERROR,
                                                    &critical)
                     && critical.max > 0;
    }

  /* Title and legend */
  set_font (cr, font * 1.15, TRUE);
  set_colour (cr, &p->ink, 1);
  draw_text (cr, "Training progress", pad, pad + font * 0.5, 0);
  title_end = pad + text_width (cr, "Training progress") + font;
  set_font (cr, small, FALSE);
  {
    const char *legend_mean = "mean score";
    const char *legend_sd = "± 1 SD";
    const char *legend_critical = "critical error";
    double y = pad + font * 0.5;
    double x = width - pad - text_width (cr, legend_sd);
    double legend_w = text_width (cr, legend_sd) + text_width (cr, legend_mean) + small * 3.2
                      + (any_critical ? text_width (cr, legend_critical) + small * 2.2 : 0);

    /* Left out rather than written over the title on a narrow chart. */
    if (width - pad - legend_w >= title_end)
      {
        set_colour (cr, &p->muted, 1);
        draw_text (cr, legend_sd, x, y, 0);
        set_colour (cr, &p->series, 1);
        cairo_set_line_width (cr, 1.5);
        cairo_move_to (cr, x - small * 0.8, y - small * 0.6);
        cairo_line_to (cr, x - small * 0.8, y + small * 0.6);
        cairo_move_to (cr, x - small * 1.1, y - small * 0.6);
        cairo_line_to (cr, x - small * 0.5, y - small * 0.6);
        cairo_move_to (cr, x - small * 1.1, y + small * 0.6);
        cairo_line_to (cr, x - small * 0.5, y + small * 0.6);
        cairo_stroke (cr);
        x -= small * 2.2 + text_width (cr, legend_mean);
        set_colour (cr, &p->muted, 1);
        draw_text (cr, legend_mean, x, y, 0);
        set_colour (cr, &p->series, 1);
        cairo_arc (cr, x - small * 0.8, y, small * 0.35, 0, 2 * G_PI);
        cairo_fill (cr);
        if (any_critical)
          {
            x -= small * 2.2 + text_width (cr, legend_critical);
            set_colour (cr, &p->muted, 1);
            draw_text (cr, legend_critical, x, y, 0);
            set_colour (cr, &p->critical, 1);
            cairo_arc (cr, x - small * 0.8, y, small * 0.45, 0, 2 * G_PI);
            cairo_stroke (cr);
          }
      }
  }

  /* Plot area: room for the y labels and title at the left, the session
   * numbers, dates and the x title below. */
  set_font (cr, small, FALSE);
  left = pad + font * 1.4 + text_width (cr, "100") + font * 0.6;
  right = width - pad;
  top = pad + font * 3.0;
  bottom = height - pad - font * 1.4 - small * 2.8;
  plot_w = right - left;
  plot_h = bottom - top;
  if (plot_w < font * 4 || plot_h < font * 4)
    {
      cairo_restore (cr);
      return;
    }

  /* y grid, labels and title */
  cairo_set_line_width (cr, 1);
  for (int v = 0; v <= 100; v += 20)
    {
      double y = round (bottom - plot_h * v / 100.0) + 0.5;
      char label[8];

      set_colour (cr, v == 0 ? &p->axis : &p->grid, 1);
      cairo_move_to (cr, left, y);
      cairo_line_to (cr, right, y);
      cairo_stroke (cr);
      g_snprintf (label, sizeof label, "%d", v);
      set_colour (cr, &p->ink, 1);
      draw_text (cr, label, left - font * 0.5, y, 1);
    }
  cairo_save (cr);
  set_font (cr, small, FALSE);
  set_colour (cr, &p->muted, 1);
  cairo_translate (cr, pad + font * 0.5, top + plot_h / 2);
  cairo_rotate (cr, -G_PI / 2);
  draw_text (cr, "Score (0–100)", 0, 0, 0.5);
  cairo_restore (cr);

  set_font (cr, small, FALSE);
  set_colour (cr, &p->muted, 1);
  draw_text (cr, "Session", left + plot_w / 2, height - pad - font * 0.4, 0.5);

  if (n_sessions == 0)
    {
      set_font (cr, font, FALSE);
      set_colour (cr, &p->muted, 1);
      draw_text (cr, "No finished sessions yet", left + plot_w / 2, top + plot_h / 2, 0.5);
      cairo_restore (cr);
      return;
    }

  /* x positions: sessions evenly spaced, half a step from each end. */
  step = plot_w / n_sessions;
  set_font (cr, small, FALSE);
  {
    char widest[16];

    g_snprintf (widest, sizeof widest, "%u", n_sessions);
    label_w = text_width (cr, widest) + small;
    date_w = text_width (cr, "30 May") + small * 0.5;
  }
  /* Labels and dates are thinned out where they would touch; dates fall on
   * labelled sessions. */
  label_every = MAX (1u, (guint) ceil (label_w / step));
  date_every = label_every * MAX (1u, (guint) ceil (date_w / (step * label_every)));

  for (guint s = 0; s < n_sessions; s++)
    {
      double x = left + step * (s + 0.5);

      /* Counted back from the latest session, which is always labelled. */
      if ((n_sessions - 1 - s) % label_every == 0)
        {
          char label[16];

          g_snprintf (label, sizeof label, "%u", s + 1);
          set_colour (cr, &p->ink, 1);
          draw_text (cr, label, x, bottom + small * 1.1, 0.5);
          if ((n_sessions - 1 - s) % date_every == 0)
            {
              g_autofree char *date = short_date (np_training_history_get_session (history,
                                                                                   s)->date);
              if (date != NULL)
                {
                  set_colour (cr, &p->muted, 1);
                  draw_text (cr, date, x, bottom + small * 2.4, 0.5);
                }
            }
          set_colour (cr, &p->axis, 1);
          cairo_move_to (cr, round (x) + 0.5, bottom);
          cairo_line_to (cr, round (x) + 0.5, bottom + small * 0.35);
          cairo_stroke (cr);
        }
    }

  /* Means joined by a line, whiskers, then the dots on top. */
  cairo_set_line_width (cr, MAX (1.5, font / 7));
  set_colour (cr, &p->series, 0.55);
  for (guint s = 0; s < n_sessions; s++)
    {
      NpTrainingSummary summary;
      double x = left + step * (s + 0.5);
      double y;

      if (!np_training_history_summarize (history, s, NP_TRAINING_METRIC_SCORE, &summary))
        continue;
      y = bottom - plot_h * summary.mean / 100;
      if (isfinite (prev_x))
        {
          cairo_move_to (cr, prev_x, prev_y);
          cairo_line_to (cr, x, y);
          cairo_stroke (cr);
        }
      prev_x = x;
      prev_y = y;
    }

  for (guint s = 0; s < n_sessions; s++)
    {
      NpTrainingSummary summary, critical;
      double x = left + step * (s + 0.5);
      double y, lo, hi, cap = MIN (font * 0.5, step * 0.25);
      double dot = CLAMP (step * 0.18, 2.5, font * 0.38);

      if (!np_training_history_summarize (history, s, NP_TRAINING_METRIC_SCORE, &summary))
        continue;
      y = bottom - plot_h * summary.mean / 100;
      lo = bottom - plot_h * CLAMP (summary.mean - summary.sd, 0, 100) / 100;
      hi = bottom - plot_h * CLAMP (summary.mean + summary.sd, 0, 100) / 100;

      set_colour (cr, &p->series, 1);
      cairo_set_line_width (cr, MAX (1.2, font / 9));
      if (summary.sd > 0)
        {
          cairo_move_to (cr, x, lo);
          cairo_line_to (cr, x, hi);
          cairo_move_to (cr, x - cap, lo);
          cairo_line_to (cr, x + cap, lo);
          cairo_move_to (cr, x - cap, hi);
          cairo_line_to (cr, x + cap, hi);
          cairo_stroke (cr);
        }

      /* A ring of the card colour keeps the dot apart from its whisker. */
      cairo_arc (cr, x, y, dot + 1.5, 0, 2 * G_PI);
      set_colour (cr, &p->card, 1);
      cairo_fill (cr);
      cairo_arc (cr, x, y, dot, 0, 2 * G_PI);
      set_colour (cr, &p->series, 1);
      cairo_fill (cr);

      if (np_training_history_summarize (history, s, NP_TRAINING_METRIC_CRITICAL_ERROR,
                                         &critical)
          && critical.max > 0)
        {
          cairo_set_line_width (cr, MAX (1.2, font / 9));
          set_colour (cr, &p->critical, 1);
          cairo_arc (cr, x, y, dot + 3.5, 0, 2 * G_PI);
          cairo_stroke (cr);
        }
    }

  cairo_restore (cr);
}

/**
 * np_training_history_draw_progress:
 *
 * The progress chart in the light style; see
 * np_training_history_draw_progress_styled().
 */
void
np_training_history_draw_progress (cairo_t                 *cr,
                                   double                   width,
                                   double                   height,
                                   const NpTrainingHistory *history)
{
  np_training_history_draw_progress_styled (cr, width, height, history, NP_TRAINING_CHART_LIGHT);
}

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/**
 * np_training_history_write_progress_png:
 *
 * Renders the chart at @width × @height pixels and writes it atomically.
 */
gboolean
np_training_history_write_progress_png (const NpTrainingHistory  *history,
                                        const char               *path,
                                        int                       width,
                                        int                       height,
                                        NpTrainingChartStyle      style,
                                        GError                  **error)
{
  g_autoptr(GByteArray) png = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;

  g_return_val_if_fail (history != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (width < 64 || height < 48 || width > 8192 || height > 8192)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   "A progress chart must be 64 × 48 to 8192 × 8192 pixels, not %d × %d",
                   width, height);
      return FALSE;
    }

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  np_training_history_draw_progress_styled (cr, width, height, history, style);
  status = cairo_status (cr);
  cairo_destroy (cr);
  png = g_byte_array_new ();
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_write_to_png_stream (surface, append_bytes, png);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, NP_ERROR, NP_ERROR_FAILED,
                   _("Cannot draw the progress chart for “%s”: %s"), display,
                   cairo_status_to_string (status));
      return FALSE;
    }
  return np_file_write_atomic (path, png->data, png->len, error);
}
