/* np-capture-plan.c: a plan reopened from a NeedlePlan Secondary Capture
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-capture-plan"

#include "config.h"

#include "np-capture-plan.h"

#include "np-error.h"
#include "np-file.h"
#include "np-plan-file.h"
#include <glib/gi18n-lib.h>

void
np_capture_plan_free (NpCapturePlan *capture)
{
  if (capture == NULL)
    return;
  g_clear_pointer (&capture->plan, np_plan_free);
  g_free (capture->frame_path);
  g_free (capture->source_name);
  g_free (capture);
}

/* A file on disk is the source only when its bytes are the ones the plan
 * was made on; a plan without a checksum cannot tell, so any regular file
 * at its path is taken, as a plan file's frame is. */
static gboolean
is_source_file (const NpPlan *plan,
                const char   *path,
                const char   *capture_path)
{
  g_autofree char *sha256 = NULL;

  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_REGULAR)
      || np_file_same_file (path, capture_path))
    return FALSE;
  if (plan->frame_sha256 == NULL)
    return TRUE;
  sha256 = np_file_sha256 (path, NULL);
  return g_strcmp0 (sha256, plan->frame_sha256) == 0;
}

static char *
find_source (const NpPlan *plan,
             const char   *capture_path,
             NpPacsCache  *cache)
{
  g_autofree char *beside = NULL;

  /* Where the frame was when the plan was saved (the same workstation). */
  if (plan->frame_absolute_path != NULL
      && is_source_file (plan, plan->frame_absolute_path, capture_path))
    return g_strdup (plan->frame_absolute_path);
  /* Beside the capture, as a plan file finds its frame. */
  beside = np_plan_file_resolve_frame (plan, capture_path, NULL);
  if (is_source_file (plan, beside, capture_path))
    return g_steal_pointer (&beside);
  /* Retrieved from the PACS before: named by its SOP Instance UID. The
   * bytes may differ (the PACS rewrites the meta header), the UID names
   * the instance. */
  if (cache != NULL && plan->dicom_sop_instance_uid != NULL)
    {
      g_autofree char *cached = np_pacs_cache_lookup (cache, plan->dicom_sop_instance_uid);

      if (cached != NULL && !np_file_same_file (cached, capture_path))
        return g_steal_pointer (&cached);
    }
  return NULL;
}

static NpCapturePlan *
capture_plan_new (const NpDicomInfo  *info,
                  const char         *capture_path,
                  gboolean            search,
                  NpPacsCache        *cache,
                  GError            **error)
{
  g_autofree char *display = NULL;
  g_autofree char *context = NULL;
  g_autoptr(NpCapturePlan) capture = NULL;
  g_autoptr(NpPlan) plan = NULL;
  g_autofree char *source = NULL;

  g_return_val_if_fail (info != NULL, NULL);
  g_return_val_if_fail (capture_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  display = g_filename_display_basename (capture_path);
  if (!info->needleplan_plan_inside)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_FOUND,
                   _("“%s” holds no NeedlePlan plan (no “NEEDLEPLAN 1” private block)"), display);
      return NULL;
    }
  if (info->needleplan_plan == NULL)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_TOO_LARGE,
                   _("“%s” holds a NeedlePlan plan larger than the importer hands over (900 KiB)"),
                   display);
      return NULL;
    }
  context = g_strdup_printf (_("the plan inside “%s”"), display);
  plan = np_plan_file_parse (info->needleplan_plan, -1, context, error);
  if (plan == NULL)
    return NULL;

  capture = g_new0 (NpCapturePlan, 1);
  if (plan->frame_path != NULL && *plan->frame_path != '\0')
    capture->source_name = g_filename_display_basename (plan->frame_path);
  else
    capture->source_name = g_strdup (plan->dicom_sop_instance_uid != NULL
                                      ? plan->dicom_sop_instance_uid : "");

  source = search ? find_source (plan, capture_path, cache) : NULL;
  if (source != NULL)
    {
      capture->frame_path = g_steal_pointer (&source);
      capture->frame_index = plan->dicom_frame_number > 0 ? plan->dicom_frame_number - 1 : 0;
      np_plan_set_string (&plan->frame_absolute_path, capture->frame_path);
    }
  else
    {
      g_autofree char *absolute = g_canonicalize_filename (capture_path, NULL);
      g_autofree char *sha256 = np_file_sha256 (absolute, NULL);
      g_autofree char *basename = g_path_get_basename (absolute);
      gboolean has_uid = np_pacs_cache_is_uid (info->sop_instance_uid);

      capture->on_capture = TRUE;
      capture->frame_path = g_steal_pointer (&absolute);
      capture->frame_index = 0;
      np_plan_set_string (&plan->frame_path, basename);
      np_plan_set_string (&plan->frame_sha256, sha256);
      np_plan_set_string (&plan->frame_absolute_path, capture->frame_path);
      np_plan_set_string (&plan->dicom_sop_instance_uid, has_uid ? info->sop_instance_uid : NULL);
      plan->dicom_frame_number = has_uid ? 1 : 0;
    }
  capture->plan = g_steal_pointer (&plan);
  return g_steal_pointer (&capture);
}

/**
 * np_capture_plan_new:
 * @info: the capture's header facts (np_dicom_helper_get_info())
 * @capture_path: where the capture is
 * @cache: (nullable): instances retrieved from a PACS, searched for the
 *   source by its SOP Instance UID
 *
 * Reads the plan inside a NeedlePlan Secondary Capture and finds the frame
 * to reopen it on: the source frame where the plan last saw it, beside the
 * capture (by the plan's relative path) or in @cache; else the capture
 * itself, whose top rows are the source frame at its own resolution (the
 * caption band is below), so the marks keep their coordinates. On the
 * capture the plan then names the capture as its frame.
 *
 * Returns: (transfer full) (nullable): the plan and its frame, or %NULL
 *   with @error set when the file carries no plan or an unreadable one
 */
NpCapturePlan *
np_capture_plan_new (const NpDicomInfo  *info,
                     const char         *capture_path,
                     NpPacsCache        *cache,
                     GError            **error)
{
  return capture_plan_new (info, capture_path, TRUE, cache, error);
}

/**
 * np_capture_plan_new_on_capture:
 *
 * As np_capture_plan_new(), without looking for the source: for when the
 * source was found but could not be read.
 */
NpCapturePlan *
np_capture_plan_new_on_capture (const NpDicomInfo  *info,
                                const char         *capture_path,
                                GError            **error)
{
  return capture_plan_new (info, capture_path, FALSE, NULL, error);
}
