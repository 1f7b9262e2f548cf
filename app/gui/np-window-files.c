/* np-window-files.c — NpWindow: plans on disk (open, save, save as, new)
 * and the unsaved-changes prompt
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-window"

#include "config.h"

#include <glib/gi18n.h>

#include "np-window-private.h"

#include "np-dicom-calibration.h"
#include "np-error.h"
#include "np-file.h"
#include "np-plan-file.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The Save As dialog's check box: copy the frame into the plan's folder. */
#define INCLUDE_FRAME_CHOICE "include-frame"

/* New plans */

/* Fluoroscopy frames are usually 16-bit and say so in a DICOM-style text
 * chunk when they have one; everything else starts as ultrasound. The Case
 * section shows the guess, and one click changes it. */
static NpModality
guess_modality (NpFrame *frame)
{
  const char *modality = np_frame_get_text (frame, "Modality");

  if (modality != NULL)
    {
      if (g_ascii_strcasecmp (modality, "US") == 0)
        return NP_MODALITY_ULTRASOUND;
      if (g_ascii_strcasecmp (modality, "XA") == 0 || g_ascii_strcasecmp (modality, "RF") == 0 ||
          g_ascii_strcasecmp (modality, "DX") == 0 || g_ascii_strcasecmp (modality, "CR") == 0)
        return NP_MODALITY_FLUOROSCOPY;
    }
  if (np_frame_get_source_bit_depth (frame) > 8 && np_frame_is_gray (frame))
    return NP_MODALITY_FLUOROSCOPY;
  return NP_MODALITY_ULTRASOUND;
}

/**
 * _np_window_new_plan_for_frame:
 * @sha256: (nullable): the frame file's checksum
 *
 * A new plan on @frame: the frame named by its file name (a plan is saved
 * next to its frame by default), site, side and probe not chosen (the
 * side panel asks for them and exports refuse to go out without site and
 * side, so nothing is recorded that nobody said). A PNG's declared pixel
 * size is only offered (in the Calibration section): image editors write
 * one; a DICOM file's calibration is used, since the scanner wrote it, and
 * a manual calibration replaces it.
 *
 * Returns: (transfer full): the plan
 */
NpPlan *
_np_window_new_plan_for_frame (NpWindow   *self,
                               GFile      *file,
                               NpFrame    *frame,
                               const char *sha256)
{
  g_autoptr(NpPlan) plan = np_plan_new ();
  g_autofree char *basename = g_file_get_basename (file);

  np_plan_set_string (&plan->frame_path, basename);
  np_plan_set_string (&plan->frame_sha256, sha256);
  plan->modality = guess_modality (frame);
  plan->probe = NP_PROBE_UNSPECIFIED;
  plan->site = NP_SITE_UNSPECIFIED;
  plan->side = NP_SIDE_UNSPECIFIED;
  plan->technique = plan->modality == NP_MODALITY_FLUOROSCOPY ? NP_TECHNIQUE_COAXIAL
                                                              : NP_TECHNIQUE_IN_PLANE;
  /* A DICOM source is recorded by its instance and the frame planned on
   * (the first, until the frame picker chooses another). */
  if (np_frame_get_dicom_info (frame) != NULL)
    {
      const char *uid = np_frame_get_dicom_info (frame)->sop_instance_uid;
      /* The scanner wrote its calibration: used by default, replaceable. */
      NpCalibration *scanner = np_calibration_new_from_frame (frame, NULL);

      const NpDicomInfo *info = np_frame_get_dicom_info (frame);
      g_autofree char *patient = np_dicom_info_format_person_name (info->patient_name);

      np_plan_set_string (&plan->dicom_sop_instance_uid, uid != NULL && *uid ? uid : NULL);
      plan->dicom_frame_number = 1;
      /* The patient's name and ID go where typed ones would (caption,
       * report), and anonymised exports leave them out as they do those. */
      np_plan_set_string (&plan->patient_name, *patient != '\0' ? patient : NULL);
      np_plan_set_string (&plan->patient_id, *info->patient_id != '\0' ? info->patient_id : NULL);
      if (scanner != NULL)
        {
          np_calibration_free (plan->calibration);
          plan->calibration = scanner;
        }
      /* An X-ray header's C-arm geometry: two views then triangulate the
       * real cone beams rather than assume parallel projections. */
      if (plan->modality == NP_MODALITY_FLUOROSCOPY)
        plan->has_geometry = np_dicom_fluoro_geometry (info, np_frame_get_width (frame),
                                                       np_frame_get_height (frame),
                                                       &plan->geometry);
    }
  return g_steal_pointer (&plan);
}

/* Opening plans */

typedef struct
{
  NpWindow *window;
  NpPlan *plan;
  char *plan_path;
} LocateRequest;

static void
locate_request_free (LocateRequest *request)
{
  g_clear_pointer (&request->plan, np_plan_free);
  g_clear_pointer (&request->plan_path, g_free);
  g_free (request);
}

static void
locate_chooser_response_cb (GtkFileChooserNative *chooser,
                            int                   response,
                            LocateRequest        *request)
{
  NpWindow *self = request->window;
  g_autoptr(GFile) frame_file = NULL;
  g_autofree char *frame_path = NULL;
  g_autofree char *relative = NULL;
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    frame_file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (frame_file != NULL)
    frame_path = g_file_get_path (frame_file);

  if (frame_path != NULL)
    {
      relative = np_plan_file_relative_frame_path (request->plan_path, frame_path, &error);
      if (relative == NULL)
        np_window_show_error (self, _("Could Not Use That Frame"), error);
      else
        {
          np_plan_set_string (&request->plan->frame_path, relative);
          _np_window_load_frame (self, frame_file, g_steal_pointer (&request->plan),
                                 request->plan_path, TRUE);
        }
    }

  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  g_object_unref (chooser);
  locate_request_free (request);
}

static void
locate_frame (NpWindow *self,
              NpPlan   *plan,
              const char *plan_path)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *folder_path = g_path_get_dirname (plan_path);
  g_autoptr(GFile) folder = g_file_new_for_path (folder_path);
  LocateRequest *request = g_new0 (LocateRequest, 1);

  request->window = self;
  request->plan = plan;
  request->plan_path = g_strdup (plan_path);

  chooser = gtk_file_chooser_native_new (_("Locate the Frame"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Use Frame"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_filter_set_name (filter, _("Frames (PNG images)"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_suffix (filter, "png");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
  g_signal_connect (chooser, "response", G_CALLBACK (locate_chooser_response_cb), request);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
missing_frame_response_cb (AdwMessageDialog *dialog,
                           const char       *response,
                           LocateRequest    *request)
{
  if (g_str_equal (response, "locate"))
    {
      locate_frame (request->window, g_steal_pointer (&request->plan), request->plan_path);
    }
  locate_request_free (request);
}

/* The plan's frame is not where the plan says: say so and offer to find it. */
static void
offer_to_locate_frame (NpWindow     *self,
                       NpPlan       *plan,
                       const char   *plan_path,
                       const char   *problem)
{
  AdwMessageDialog *dialog;
  LocateRequest *request = g_new0 (LocateRequest, 1);
  g_autofree char *body = g_strdup_printf (_("%s. Locate the frame to open the plan on it; "
                                             "saving the plan then records where it is."),
                                           problem);

  request->window = self;
  request->plan = plan;
  request->plan_path = g_strdup (plan_path);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Frame Not Found"),
                                                       body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "locate", _("_Locate Frame…"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "locate", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "locate");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (missing_frame_response_cb), request);
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * _np_window_open_plan:
 *
 * Reads the plan file, finds its frame and loads it. A missing frame is
 * offered to be located; a frame whose SHA-256 differs is warned about
 * once it is shown.
 */
void
_np_window_open_plan (NpWindow *self,
                      GFile    *file)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *display = g_file_get_parse_name (file);
  g_autofree char *frame_path = NULL;
  g_autoptr(NpPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) frame_file = NULL;

  if (path == NULL)
    {
      g_set_error (&error, NP_ERROR, NP_ERROR_NOT_SUPPORTED,
                   _("Cannot open “%s”: plans must be files on this computer, because the frame "
                   "is found next to them"), display);
      np_window_show_error (self, _("Could Not Open the Plan"), error);
      return;
    }

  plan = np_plan_file_load (path, &error);
  if (plan == NULL)
    {
      _np_window_forget_recent (file);
      np_window_show_error (self, _("Could Not Open the Plan"), error);
      return;
    }

  frame_path = np_plan_file_resolve_frame (plan, path, &error);
  if (frame_path == NULL)
    {
      offer_to_locate_frame (self, g_steal_pointer (&plan), path, error->message);
      return;
    }
  if (!g_file_test (frame_path, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *plan_name = g_filename_display_basename (path);
      g_autofree char *frame_name = g_filename_display_name (plan->frame_path);
      g_autofree char *problem = g_strdup_printf (_("“%s” was made on the frame “%s”, which is not "
                                                  "in the plan’s folder any more"),
                                                  plan_name, frame_name);

      offer_to_locate_frame (self, g_steal_pointer (&plan), path, problem);
      return;
    }

  frame_file = g_file_new_for_path (frame_path);
  _np_window_load_frame (self, frame_file, g_steal_pointer (&plan), path, FALSE);
}

/**
 * _np_window_warn_frame_mismatch:
 * @check: %NP_PLAN_FRAME_DIFFERS or %NP_PLAN_FRAME_UNVERIFIED
 *
 * The frame on disk is not the one the plan was made on, or the plan
 * records no checksum to tell: two different warnings, in words.
 */
void
_np_window_warn_frame_mismatch (NpWindow         *self,
                                const char       *plan_path,
                                NpPlanFrameCheck  check)
{
  const NpPlan *plan = np_document_get_plan (self->document);
  g_autofree char *plan_name = g_filename_display_basename (plan_path);
  g_autofree char *frame_name = g_filename_display_name (plan->frame_path);
  g_autofree char *body = NULL;
  const char *heading;
  AdwMessageDialog *dialog;

  if (check == NP_PLAN_FRAME_UNVERIFIED)
    {
      heading = _("The Frame Cannot Be Verified");
      body = g_strdup_printf (_("“%s” does not record a checksum (SHA-256) of its frame, so "
                                "NeedlePlan cannot tell whether “%s” is the image it was made "
                                "on. Check that every mark sits on the anatomy it names; saving "
                                "records this frame’s checksum."), plan_name, frame_name);
    }
  else
    {
      heading = _("The Frame Has Changed");
      body = g_strdup_printf (_("“%s” is not the image “%s” was made on: its SHA-256 checksum "
                                "differs. The frame may have been edited, re-exported or "
                                "replaced, and the marks may not sit on the anatomy they were "
                                "placed on. Check every mark before relying on the plan; saving "
                                "records the new frame’s checksum."), frame_name, plan_name);
    }

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));
  adw_message_dialog_add_response (dialog, "close", _("_I Will Check the Marks"));
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Saving */

/* Whether the resolved @path is @folder or inside it. */
static gboolean
path_is_under (const char *path,
               const char *folder)
{
  g_autofree char *real_folder = realpath (folder, NULL);
  gsize length;

  if (real_folder == NULL)
    return FALSE;
  length = strlen (real_folder);
  return strncmp (path, real_folder, length) == 0 &&
         (path[length] == G_DIR_SEPARATOR || path[length] == '\0');
}

/**
 * _np_window_is_bundled:
 * @path: a file or a folder, existing or not
 *
 * The sample and training cases that come with NeedlePlan are in the
 * installation, or in the source tree when run from a build. They are
 * never written to.
 *
 * Returns: whether @path is inside the bundled cases (or anywhere in the
 *   installed data folder)
 */
gboolean
_np_window_is_bundled (const char *path)
{
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  g_autofree char *real = realpath (absolute, NULL);
  g_autofree char *folder = NULL;
  g_autofree char *real_folder = NULL;
  g_autofree char *resolved = NULL;

  /* A file about to be written does not exist yet: its folder does. */
  if (real == NULL)
    {
      g_autofree char *basename = g_path_get_basename (absolute);

      folder = g_path_get_dirname (absolute);
      real_folder = realpath (folder, NULL);
      if (real_folder == NULL)
        return FALSE;
      resolved = g_build_filename (real_folder, basename, NULL);
    }
  else
    resolved = g_steal_pointer (&real);
  return path_is_under (resolved, PKGDATADIR) || path_is_under (resolved, SOURCE_DATADIR "/cases");
}

/**
 * _np_window_documents_folder:
 *
 * Where a plan or an export goes that cannot stay where it came from (a
 * bundled case, a read-only folder): the user's documents folder, or the
 * home folder where there is none.
 *
 * Returns: (transfer full): the folder's path
 */
char *
_np_window_documents_folder (void)
{
  const char *documents = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);

  if (documents != NULL && g_file_test (documents, G_FILE_TEST_IS_DIR))
    return g_strdup (documents);
  return g_strdup (g_get_home_dir ());
}

/**
 * _np_window_save_to_path:
 * @include_frame: copy the frame into the plan's folder (a file of the
 *   same name and other contents is never replaced; the copy then gets a
 *   free name) and refer to the copy
 *
 * Writes the plan (atomically) with its results for the record. The frame
 * is named relative to @path and its current checksum recorded. A path in
 * the bundled cases is refused.
 */
gboolean
_np_window_save_to_path (NpWindow    *self,
                         const char  *path,
                         gboolean     include_frame,
                         GError     **error)
{
  g_autoptr(NpPlan) plan = np_document_dup_plan (self->document);
  g_autoptr(NpPlanResults) snapshot = NULL;
  g_autoptr(JsonNode) results = NULL;
  g_autofree char *frame_path = NULL;
  g_autofree char *copied = NULL;
  gboolean created = FALSE;

  if (_np_window_is_bundled (path))
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, NP_ERROR, NP_ERROR_NOT_SUPPORTED,
                   _("Cannot save “%s”: it is among the cases that come with NeedlePlan, which "
                     "are never changed. Save the plan in another folder."), display);
      return FALSE;
    }

  if (self->file != NULL)
    frame_path = g_file_get_path (self->file);
  if (frame_path != NULL && include_frame)
    {
      g_autofree char *folder = g_path_get_dirname (path);

      copied = np_file_copy_to_folder (frame_path, folder, &created, error);
      if (copied == NULL)
        return FALSE;
      g_free (frame_path);
      frame_path = g_strdup (copied);
    }
  if (frame_path != NULL)
    {
      g_autofree char *relative = np_plan_file_relative_frame_path (path, frame_path, error);
      g_autofree char *sha256 = NULL;

      /* The checksum of the bytes shown: a frame replaced on disk since
       * it was opened must not be recorded as the one planned on. */
      if (relative != NULL)
        sha256 = self->frame_sha256 != NULL ? g_strdup (self->frame_sha256)
                                            : np_file_sha256 (frame_path, error);
      if (sha256 == NULL)
        {
          if (created)
            g_unlink (copied);
          return FALSE;
        }
      np_plan_set_string (&plan->frame_path, relative);
      np_plan_set_string (&plan->frame_sha256, sha256);
      /* A hint for the day the plan and its frame are moved apart. */
      np_plan_set_string (&plan->frame_absolute_path, frame_path);
    }

  /* The record holds the intervals as well. */
  snapshot = np_plan_analysis_dup_results (self->analysis);
  if (snapshot != NULL)
    results = np_planner_results_to_json (snapshot);

  if (!np_plan_file_save (plan, results, path, error))
    {
      if (created)
        g_unlink (copied);
      return FALSE;
    }

  /* From now on the plan's frame is the copy beside it. */
  if (copied != NULL)
    {
      g_autoptr(GFile) copy = g_file_new_for_path (copied);

      g_set_object (&self->file, copy);
    }
  self->frame_mismatch = FALSE;
  self->frame_unverified = FALSE;
  np_document_set_path (self->document, path);
  np_document_set_dirty (self->document, FALSE);
  _np_window_update_title (self);
  return TRUE;
}

static void
run_pending (NpWindow *self)
{
  NpPendingAction action = self->pending;
  g_autoptr(GFile) file = g_steal_pointer (&self->pending_file);

  self->pending = NP_PENDING_NONE;
  switch (action)
    {
    case NP_PENDING_OPEN:
      _np_window_open_file_now (self, file);
      break;
    case NP_PENDING_NEW:
      {
        NpFrame *frame = np_document_get_frame (self->document);
        g_autofree char *frame_path = self->file != NULL ? g_file_get_path (self->file) : NULL;
        g_autofree char *sha256 = self->frame_sha256 != NULL ? g_strdup (self->frame_sha256)
                                  : frame_path != NULL ? np_file_sha256 (frame_path, NULL) : NULL;
        NpPlan *plan;

        if (frame == NULL || self->file == NULL)
          break;
        plan = _np_window_new_plan_for_frame (self, self->file, frame, sha256);
        if (self->cine != NULL)
          plan->dicom_frame_number = self->cine_shown + 1;
        self->frame_mismatch = FALSE;
        self->frame_unverified = FALSE;
        np_document_set_frame (self->document, frame, plan);
        np_document_set_path (self->document, NULL);
        _np_window_update_title (self);
        _np_window_offer_calibration (self, frame);
        np_window_show_toast (self, _("New plan on the same frame"));
      }
      break;
    case NP_PENDING_CLOSE:
      self->close_confirmed = TRUE;
      gtk_window_close (GTK_WINDOW (self));
      break;
    case NP_PENDING_NONE:
    default:
      break;
    }
}

/* "<frame>-plan.json" next to the frame, or in the documents folder when
 * the frame's folder cannot be written; for a bundled case, in the
 * documents folder, named after the case's folder ("knee-us-01-plan.json"). */
static char *
default_plan_path (NpWindow *self)
{
  const char *current = np_document_get_path (self->document);
  g_autofree char *frame_path = self->file != NULL ? g_file_get_path (self->file) : NULL;
  g_autofree char *folder = NULL;
  g_autofree char *basename = NULL;
  char *dot;

  if (current != NULL && !_np_window_is_bundled (current))
    return g_strdup (current);
  if (frame_path == NULL)
    return NULL;
  folder = g_path_get_dirname (frame_path);
  basename = g_path_get_basename (frame_path);
  dot = strrchr (basename, '.');
  if (dot != NULL && dot != basename)
    *dot = '\0';
  if (current != NULL || _np_window_is_bundled (frame_path))
    {
      g_autofree char *case_name = g_path_get_basename (folder);

      g_free (folder);
      folder = _np_window_documents_folder ();
      return g_strdup_printf ("%s" G_DIR_SEPARATOR_S "%s-plan.json", folder, case_name);
    }
  /* A frame on read-only media (a CD, a locked stick, a PACS cache). */
  if (g_access (folder, W_OK) != 0)
    {
      g_free (folder);
      folder = _np_window_documents_folder ();
    }
  return g_strdup_printf ("%s" G_DIR_SEPARATOR_S "%s-plan.json", folder, basename);
}

static void
save_chooser_response_cb (NpWindow             *self,
                          int                   response,
                          GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  const char *include = NULL;
  gboolean include_frame;
  NpPendingAction after = self->after_save_as;

  self->after_save_as = NP_PENDING_NONE;
  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  include = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (chooser), INCLUDE_FRAME_CHOICE);
  include_frame = g_strcmp0 (include, "true") == 0;
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  g_clear_object (&self->save_chooser);

  if (file == NULL)
    {
      self->pending = NP_PENDING_NONE;
      g_clear_object (&self->pending_file);
      return;
    }

  path = g_file_get_path (file);
  if (path != NULL && !g_str_has_suffix (path, ".json"))
    {
      char *with_suffix = g_strconcat (path, ".json", NULL);

      g_free (path);
      path = with_suffix;
    }
  if (path == NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *name = g_file_get_parse_name (file);

      g_set_error (&error, NP_ERROR, NP_ERROR_NOT_SUPPORTED,
                   _("Cannot save “%s”: plans are saved on this computer, next to their frame"),
                   name);
      np_window_show_error (self, _("Could Not Save the Plan"), error);
      return;
    }

  {
    g_autoptr(GError) error = NULL;

    if (!_np_window_save_to_path (self, path, include_frame, &error))
      {
        self->pending = NP_PENDING_NONE;
        g_clear_object (&self->pending_file);
        np_window_show_error (self, _("Could Not Save the Plan"), error);
        return;
      }
  }

  {
    g_autofree char *basename = g_filename_display_basename (path);
    g_autofree char *text = g_strdup_printf (_("Saved “%s”"), basename);

    np_window_show_toast (self, text);
  }
  if (after != NP_PENDING_NONE)
    run_pending (self);
}

static void
save_as (NpWindow        *self,
         NpPendingAction  after)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *suggested = default_plan_path (self);
  g_autofree char *frame_path = self->file != NULL ? g_file_get_path (self->file) : NULL;

  if (self->save_chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->save_chooser));
      return;
    }

  self->after_save_as = after;
  self->save_chooser = gtk_file_chooser_native_new (_("Save Plan"), GTK_WINDOW (self),
                                                    GTK_FILE_CHOOSER_ACTION_SAVE,
                                                    _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->save_chooser), TRUE);
  gtk_file_filter_set_name (filter, _("Plans (JSON)"));
  gtk_file_filter_add_suffix (filter, "json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->save_chooser), filter);
  /* A plan saved away from its frame refers to it with "..", which breaks
   * when only the plan's folder is moved or handed on; with the frame
   * beside it, the folder is complete. Proposed for a bundled case, whose
   * frame lives in the installation. */
  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (self->save_chooser), INCLUDE_FRAME_CHOICE,
                               _("Include the frame (a copy beside the plan)"), NULL, NULL);
  gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (self->save_chooser), INCLUDE_FRAME_CHOICE,
                               frame_path != NULL && _np_window_is_bundled (frame_path)
                               ? "true" : "false");
  if (suggested != NULL)
    {
      g_autofree char *folder_path = g_path_get_dirname (suggested);
      g_autofree char *basename = g_path_get_basename (suggested);
      g_autofree char *name = g_filename_display_name (basename);
      g_autoptr(GFile) folder = g_file_new_for_path (folder_path);

      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->save_chooser), folder, NULL);
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->save_chooser), name);
    }
  g_signal_connect_object (self->save_chooser, "response", G_CALLBACK (save_chooser_response_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->save_chooser));
}

/* Saves to the document's path, or asks for one. Returns TRUE when saved
 * now; FALSE when it failed or a chooser is open (which runs @after). */
static gboolean
save (NpWindow        *self,
      NpPendingAction  after)
{
  const char *path = np_document_get_path (self->document);
  g_autoptr(GError) error = NULL;

  /* A bundled case is never changed: Save asks where the user's copy goes. */
  if (path == NULL || _np_window_is_bundled (path))
    {
      save_as (self, after);
      return FALSE;
    }
  if (!_np_window_save_to_path (self, path, FALSE, &error))
    {
      np_window_show_error (self, _("Could Not Save the Plan"), error);
      return FALSE;
    }
  {
    g_autofree char *basename = g_filename_display_basename (path);
    g_autofree char *text = g_strdup_printf (_("Saved “%s”"), basename);

    np_window_show_toast (self, text);
  }
  return TRUE;
}

/* The unsaved-changes prompt */

static void
prompt_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    NpWindow         *self)
{
  if (g_str_equal (response, "discard"))
    run_pending (self);
  else if (g_str_equal (response, "save"))
    {
      if (save (self, self->pending))
        run_pending (self);
      else if (self->save_chooser == NULL)
        {
          /* Saving failed (the error is shown): nothing is lost or run. */
          self->pending = NP_PENDING_NONE;
          g_clear_object (&self->pending_file);
        }
    }
  else
    {
      self->pending = NP_PENDING_NONE;
      g_clear_object (&self->pending_file);
    }
}

/**
 * _np_window_run_after_prompt:
 * @file: (nullable): the file to open for %NP_PENDING_OPEN
 *
 * Runs @action now when there are no unsaved changes, otherwise after the
 * user chose Save (and saving worked) or Discard; Cancel drops it.
 */
void
_np_window_run_after_prompt (NpWindow        *self,
                             NpPendingAction  action,
                             GFile           *file)
{
  AdwMessageDialog *dialog;
  const char *heading;
  const char *path = np_document_get_path (self->document);
  g_autofree char *name = NULL;
  g_autofree char *body = NULL;

  self->pending = action;
  g_set_object (&self->pending_file, file);

  if (!np_document_get_dirty (self->document) || np_document_get_frame (self->document) == NULL)
    {
      run_pending (self);
      return;
    }

  if (path != NULL)
    name = g_filename_display_basename (path);
  else if (self->file != NULL)
    {
      g_autofree char *basename = g_file_get_basename (self->file);
      name = g_strdup_printf (_("the plan on “%s”"), basename);
    }
  switch (action)
    {
    case NP_PENDING_CLOSE:
      heading = _("Save Changes Before Closing?");
      break;
    case NP_PENDING_NEW:
      heading = _("Save Changes Before Starting a New Plan?");
      break;
    case NP_PENDING_OPEN:
    case NP_PENDING_NONE:
    default:
      heading = _("Save Changes Before Opening Another File?");
      break;
    }
  body = path != NULL
    ? g_strdup_printf (_("“%s” has changes that are not saved. If you discard them, they are lost."),
                       name)
    : g_strdup_printf (_("The marks on %s have never been saved. If you discard them, they are "
                       "lost."), name != NULL ? name : _("this frame"));

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "discard", _("_Discard"),
                                    "save", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (dialog, "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "save");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (prompt_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Actions */

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  save (NP_WINDOW (widget), NP_PENDING_NONE);
}

static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  save_as (NP_WINDOW (widget), NP_PENDING_NONE);
}

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  _np_window_run_after_prompt (NP_WINDOW (widget), NP_PENDING_NEW, NULL);
}

void
_np_window_files_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "win.new", NULL, new_action);
}
