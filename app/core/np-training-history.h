/* np-training-history.h: finished training sessions, kept across restarts
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <glib.h>

#include "np-training-session.h"
#include "np-training.h"

G_BEGIN_DECLS

/* The history is one JSON file (docs/training.md describes it), by default
 * g_get_user_data_dir()/needleplan/training-history.json. Every change is
 * written atomically. A damaged file is never overwritten: loading it fails
 * with NP_ERROR_CORRUPT and leaves it as it is, for the user to decide. */

#define NP_TRAINING_HISTORY_FORMAT "needleplan-training-history"
#define NP_TRAINING_HISTORY_VERSION 1
#define NP_TRAINING_HISTORY_FILE "training-history.json"
/* History files above this size are refused before they are read. */
#define NP_TRAINING_HISTORY_MAX_BYTES (64 * 1024 * 1024)

typedef struct
{
  char *date;                 /* ISO 8601 in UTC, e.g. "2026-04-15T09:30:00Z" */
  guint32 seed;
  GPtrArray *cases;           /* char*: plan paths in the order practised */
  GPtrArray *scores;          /* NpTrainingScore* or NULL (skipped), parallel to cases */
} NpTrainingHistorySession;

typedef struct _NpTrainingHistory NpTrainingHistory;

typedef enum
{
  NP_TRAINING_CHART_LIGHT,    /* dark ink on a light card */
  NP_TRAINING_CHART_DARK,     /* light ink on a dark card */
} NpTrainingChartStyle;

char              *np_training_history_dup_default_path (void);

NpTrainingHistory *np_training_history_new          (const char               *path);
NpTrainingHistory *np_training_history_load         (const char               *path,
                                                     GError                  **error);
void               np_training_history_free         (NpTrainingHistory        *history);

const char        *np_training_history_get_path     (const NpTrainingHistory  *history);
guint              np_training_history_get_n_sessions (const NpTrainingHistory *history);
const NpTrainingHistorySession *
                   np_training_history_get_session  (const NpTrainingHistory  *history,
                                                     guint                     index);
gboolean           np_training_history_summarize    (const NpTrainingHistory  *history,
                                                     guint                     index,
                                                     NpTrainingMetric          metric,
                                                     NpTrainingSummary        *summary);

gboolean           np_training_history_append       (NpTrainingHistory        *history,
                                                     NpTrainingSession        *session,
                                                     GDateTime                *date,
                                                     GError                  **error);
gboolean           np_training_history_save         (const NpTrainingHistory  *history,
                                                     GError                  **error);
char              *np_training_history_to_json      (const NpTrainingHistory  *history);

char              *np_training_history_to_csv       (const NpTrainingHistory  *history);
gboolean           np_training_history_export_csv   (const NpTrainingHistory  *history,
                                                     const char               *path,
                                                     GError                  **error);

void               np_training_history_draw_progress (cairo_t                 *cr,
                                                     double                    width,
                                                     double                    height,
                                                     const NpTrainingHistory  *history);
void               np_training_history_draw_progress_styled (cairo_t          *cr,
                                                     double                    width,
                                                     double                    height,
                                                     const NpTrainingHistory  *history,
                                                     NpTrainingChartStyle      style);
gboolean           np_training_history_write_progress_png (const NpTrainingHistory *history,
                                                     const char               *path,
                                                     int                       width,
                                                     int                       height,
                                                     NpTrainingChartStyle      style,
                                                     GError                  **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpTrainingHistory, np_training_history_free)

G_END_DECLS
