/* np-case-library.c: training cases found in folders of plan files
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-case-library.h"

#include <glib/gi18n-lib.h>

#include "np-error.h"
#include "np-file.h"
#include "np-plan-file.h"
#include "np-planner.h"
#include "np-training.h"

#include <errno.h>
#include <string.h>

/* Cases sit in a folder per case, perhaps grouped by site: a few levels
 * are enough, and the limit stops a symbolic-link loop. */
#define MAX_SCAN_DEPTH 4

static const char *const difficulty_names[] = { "easy", "medium", "hard" };

const char *
np_case_difficulty_to_string (NpCaseDifficulty difficulty)
{
  g_return_val_if_fail ((guint) difficulty < G_N_ELEMENTS (difficulty_names), NULL);
  return difficulty_names[difficulty];
}

/* The word a person reads: "Easy", "Medium", "Hard". */
const char *
np_case_difficulty_label (NpCaseDifficulty difficulty)
{
  static const char *const labels[] = { N_("Easy"), N_("Medium"), N_("Hard") };

  g_return_val_if_fail ((guint) difficulty < G_N_ELEMENTS (labels), "");
  return _(labels[difficulty]);
}

gboolean
np_case_difficulty_from_string (const char       *text,
                                NpCaseDifficulty *difficulty)
{
  g_return_val_if_fail (difficulty != NULL, FALSE);

  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (difficulty_names); i++)
    if (strcmp (text, difficulty_names[i]) == 0)
      {
        *difficulty = (NpCaseDifficulty) i;
        return TRUE;
      }
  return FALSE;
}

/**
 * np_case_difficulty_from_measures:
 * @has_depth: whether the expert target's depth is known in mm
 * @n_structures: structures to avoid, not counting those the expert path
 *   itself enters
 * @has_clearance: whether the expert path's nearest clearance is known in mm
 *
 * The harder of two levels: depth (easy up to 25 mm, medium up to 45 mm,
 * hard beyond) and clearance of the nearest structure to avoid (easy from
 * 5 mm or with no structure, medium from 2 mm, hard below). A measure that
 * is not known counts as medium.
 */
NpCaseDifficulty
np_case_difficulty_from_measures (gboolean has_depth,
                                  double   depth_mm,
                                  guint    n_structures,
                                  gboolean has_clearance,
                                  double   clearance_mm)
{
  NpCaseDifficulty by_depth = NP_CASE_DIFFICULTY_MEDIUM;
  NpCaseDifficulty by_clearance = NP_CASE_DIFFICULTY_MEDIUM;

  if (has_depth)
    by_depth = depth_mm <= NP_CASE_EASY_MAX_DEPTH_MM ? NP_CASE_DIFFICULTY_EASY
               : depth_mm <= NP_CASE_MEDIUM_MAX_DEPTH_MM ? NP_CASE_DIFFICULTY_MEDIUM
               : NP_CASE_DIFFICULTY_HARD;
  if (n_structures == 0)
    by_clearance = NP_CASE_DIFFICULTY_EASY;
  else if (has_clearance)
    by_clearance = clearance_mm >= NP_CASE_EASY_MIN_CLEARANCE_MM ? NP_CASE_DIFFICULTY_EASY
                   : clearance_mm >= NP_CASE_MEDIUM_MIN_CLEARANCE_MM ? NP_CASE_DIFFICULTY_MEDIUM
                   : NP_CASE_DIFFICULTY_HARD;
  return MAX (by_depth, by_clearance);
}

NpCase *
np_case_copy (const NpCase *library_case)
{
  NpCase *copy;

  g_return_val_if_fail (library_case != NULL, NULL);

  copy = g_new (NpCase, 1);
  *copy = *library_case;
  copy->plan_path = g_strdup (library_case->plan_path);
  copy->frame_path = g_strdup (library_case->frame_path);
  copy->title = g_strdup (library_case->title);
  return copy;
}

void
np_case_free (NpCase *library_case)
{
  if (library_case == NULL)
    return;
  g_free (library_case->plan_path);
  g_free (library_case->frame_path);
  g_free (library_case->title);
  g_free (library_case);
}

/* A filter with no by_* flag set matches every case. */
gboolean
np_case_matches (const NpCase       *library_case,
                 const NpCaseFilter *filter)
{
  g_return_val_if_fail (library_case != NULL, FALSE);

  if (filter == NULL)
    return TRUE;
  return (!filter->by_site || library_case->site == filter->site)
         && (!filter->by_modality || library_case->modality == filter->modality)
         && (!filter->by_difficulty || library_case->difficulty == filter->difficulty);
}

/**
 * np_case_new_from_file:
 *
 * Returns: (transfer full) (nullable): the case, or %NULL with @error set
 *   when the file is not a plan, has no expert answer or its frame is missing
 */
NpCase *
np_case_new_from_file (const char  *plan_path,
                       GError     **error)
{
  g_autoptr(NpCase) library_case = g_new0 (NpCase, 1);
  g_autoptr(NpPlan) plan = NULL;
  g_autoptr(NpPlanResults) results = NULL;
  g_autofree char *display = NULL;
  NpPlannerOptions options;
  gboolean calibrated;
  guint n_avoid;

  g_return_val_if_fail (plan_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  plan = np_plan_file_load (plan_path, error);
  if (plan == NULL)
    return NULL;

  display = g_filename_display_name (plan_path);
  if (!np_training_plan_has_answer (plan))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("“%s” has no expert answer (neither a target nor an acceptable target "
                   "region), so it cannot be a training case"), display);
      return NULL;
    }

  library_case->plan_path = g_canonicalize_filename (plan_path, NULL);
  library_case->frame_path = np_plan_file_resolve_frame (plan, library_case->plan_path, error);
  if (library_case->frame_path == NULL)
    return NULL;
  if (!g_file_test (library_case->frame_path, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *frame_display = g_filename_display_name (library_case->frame_path);

      g_set_error (error, NP_ERROR, NP_ERROR_NOT_FOUND,
                   _("The frame “%s” of the case “%s” is missing"), frame_display, display);
      return NULL;
    }

  if (plan->title != NULL && *plan->title != '\0')
    library_case->title = g_strdup (plan->title);
  else
    {
      g_autofree char *folder = g_path_get_dirname (library_case->plan_path);
      library_case->title = g_path_get_basename (folder);
    }
  library_case->site = plan->site;
  library_case->modality = plan->modality;
  library_case->n_structures = plan->structures->len;

  /* The expert path as the planner sees it gives depth and clearance; a
   * region's centroid stands in for a missing target, as in scoring. */
  np_training_plan_get_answer (plan, &plan->target);
  plan->has_target = TRUE;
  calibrated = np_calibration_is_calibrated (plan->calibration);
  /* Only depth and clearances are read here, which the field of view does
   * not change: the frame is not decoded for its size. */
  np_planner_options_init_for_frame (&options, plan, 0, 0);
  results = np_planner_compute (plan, &options, NULL);
  n_avoid = library_case->n_structures;
  if (results != NULL && calibrated)
    {
      library_case->has_depth = results->has_depth;
      library_case->depth_mm = results->has_depth ? results->depth : 0;
      /* A structure the expert's own path enters, or comes inside the
       * margin of, holds the target (a tendon, a bone under a recess): it is
       * no obstacle, as in scoring. */
      if (results->clearances->len > 0)
        n_avoid = 0;
      for (guint i = 0; i < results->clearances->len; i++)
        {
          const NpStructureClearance *c = &g_array_index (results->clearances,
                                                          NpStructureClearance, i);

          if (c->entered || c->within_margin)
            continue;
          n_avoid++;
          if (!library_case->has_clearance || c->clearance < library_case->clearance_mm)
            library_case->clearance_mm = c->clearance;
          library_case->has_clearance = TRUE;
        }
    }
  library_case->difficulty =
    np_case_difficulty_from_measures (library_case->has_depth, library_case->depth_mm,
                                      n_avoid, library_case->has_clearance,
                                      library_case->clearance_mm);
  return g_steal_pointer (&library_case);
}

static gboolean
scan_folder (const char   *folder,
             guint         depth,
             GHashTable   *seen,
             GPtrArray    *cases,
             GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  dir = g_dir_open (folder, 0, &local_error);
  if (dir == NULL)
    {
      np_file_set_error_from_io (error, local_error, _("Cannot read the case folder"), folder);
      return FALSE;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (folder, name, NULL);

      if (name[0] == '.')
        continue;
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        {
          /* A subfolder that cannot be read is skipped, not fatal: the
           * rest of the library is still usable. */
          if (depth < MAX_SCAN_DEPTH && !scan_folder (child, depth + 1, seen, cases, NULL))
            g_debug ("Skipped the unreadable case folder %s", child);
          continue;
        }
      if (g_str_has_suffix (name, ".json") && g_file_test (child, G_FILE_TEST_IS_REGULAR))
        {
          g_autoptr(GError) case_error = NULL;
          g_autoptr(NpCase) library_case = np_case_new_from_file (child, &case_error);

          if (library_case == NULL)
            {
              g_debug ("Not a training case: %s", case_error->message);
              continue;
            }
          if (g_hash_table_contains (seen, library_case->plan_path))
            continue;
          g_hash_table_add (seen, g_strdup (library_case->plan_path));
          g_ptr_array_add (cases, g_steal_pointer (&library_case));
        }
    }
  return TRUE;
}

static int
compare_cases (gconstpointer a,
               gconstpointer b)
{
  const NpCase *ca = *(const NpCase *const *) a;
  const NpCase *cb = *(const NpCase *const *) b;
  int order = g_utf8_collate (ca->title, cb->title);

  return order != 0 ? order : strcmp (ca->plan_path, cb->plan_path);
}

/**
 * np_case_library_scan:
 * @dirs: (array zero-terminated=1): folders to search (and their
 *   subfolders, up to four levels), e.g. the installed data/cases and
 *   np_case_library_dup_user_dir()
 *
 * Every *.json file that is a plan with an expert answer and an existing
 * frame becomes a case; other files are skipped. A folder that does not
 * exist is skipped too (the user folder is made on first use).
 *
 * Returns: (transfer full) (element-type NpCase): the cases sorted by
 *   title, each plan once; %NULL with @error set when a folder exists but
 *   cannot be read
 */
GPtrArray *
np_case_library_scan (const char *const  *dirs,
                      GError            **error)
{
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func ((GDestroyNotify) np_case_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_return_val_if_fail (dirs != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  for (guint i = 0; dirs[i] != NULL; i++)
    {
      if (!g_file_test (dirs[i], G_FILE_TEST_EXISTS))
        continue;
      if (!scan_folder (dirs[i], 1, seen, cases, error))
        return NULL;
    }
  g_ptr_array_sort (cases, compare_cases);
  return g_steal_pointer (&cases);
}

/**
 * np_case_library_filter:
 *
 * Returns: (transfer full) (element-type NpCase): copies of the cases that
 *   match @filter, in the same order
 */
GPtrArray *
np_case_library_filter (const GPtrArray    *cases,
                        const NpCaseFilter *filter)
{
  GPtrArray *matching = g_ptr_array_new_with_free_func ((GDestroyNotify) np_case_free);

  g_return_val_if_fail (cases != NULL, matching);

  for (guint i = 0; i < cases->len; i++)
    if (np_case_matches (g_ptr_array_index (cases, i), filter))
      g_ptr_array_add (matching, np_case_copy (g_ptr_array_index (cases, i)));
  return matching;
}

/**
 * np_case_library_dup_user_dir:
 *
 * Returns: (transfer full): g_get_user_data_dir()/needleplan/cases, where
 *   the user's own cases go
 */
char *
np_case_library_dup_user_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "needleplan", NP_CASE_LIBRARY_USER_FOLDER,
                           NULL);
}
