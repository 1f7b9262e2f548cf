/* np-cli-export.c: needleplan-cli export, one plan or a folder of plans
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "needleplan-cli"

#include "np-cli.h"

#include <glib/gi18n.h>

#include "np-terminal-text.h"

#include "np-dicom-export.h"
#include "np-dicom-helper.h"
#include "np-error.h"
#include "np-export.h"
#include "np-file.h"
#include "np-plan-file.h"
#include "np-png.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#define SUMMARY N_("PLAN --png OUT | --pdf OUT | --dicom OUT | --pdf-dicom OUT, or --batch DIR " \
                "--out DIR — the annotated image or the report")

#define DESCRIPTION \
  N_("One plan:\n" \
  "  needleplan-cli export PLAN --png OUT [--pdf OUT] [--anonymise] [--paper a4|letter]\n" \
  "  needleplan-cli export PLAN --dicom OUT.dcm [--pdf-dicom OUT.dcm] [--anonymise]\n" \
  "Every *.json plan under a folder (recursively):\n" \
  "  needleplan-cli export --batch DIR --out DIR [--png] [--pdf] [--anonymise]\n" \
  "  (both formats when neither is given; one line per plan on stderr, a summary of\n" \
  "  the failures at the end, exit 1 when any plan failed)\n" \
  "\n" \
  "The PNG is the frame with the overlay and a caption band, the plan in an iTXt\n" \
  "chunk; the PDF is the report. --anonymise leaves the patient's name and ID out of\n" \
  "both (docs/export.md). --dicom writes the annotated image as a DICOM Secondary\n" \
  "Capture with the plan inside, --pdf-dicom the report as an Encapsulated PDF, both\n" \
  "in the source DICOM's study (docs/dicom.md). All requested files are written, or\n" \
  "none. A plan whose frame has changed since it was saved is not exported, nor one\n" \
  "without its site or side unless --unrecorded says to record them as not recorded.\n" \
  "A plan that records no SHA-256 of its frame is exported with a warning that the\n" \
  "frame cannot be verified.\n")

typedef struct
{
  char *png;                    /* single: file; batch: non-NULL when chosen */
  char *pdf;
  char *dicom;                  /* single only: the Secondary Capture */
  char *pdf_dicom;              /* single only: the Encapsulated PDF */
  gboolean batch_png;
  gboolean batch_pdf;
  char *batch;
  char *out;
  gboolean anonymise;
  gboolean unrecorded;
  char *paper;
  char *window;
  char *date;
} Args;

static void
args_clear (Args *args)
{
  g_free (args->png);
  g_free (args->pdf);
  g_free (args->dicom);
  g_free (args->pdf_dicom);
  g_free (args->batch);
  g_free (args->out);
  g_free (args->paper);
  g_free (args->window);
  g_free (args->date);
}

/* --png and --pdf take a file for one plan and nothing in a batch, so the
 * mode is decided before the options are parsed. */
static gboolean
is_batch (int    argc,
          char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--") == 0)
        return FALSE;
      if (strcmp (argv[i], "--batch") == 0 || g_str_has_prefix (argv[i], "--batch="))
        return TRUE;
    }
  return FALSE;
}

static gboolean
parse_date (const char *text)
{
  guint year, month, day;
  char tail;

  if (text == NULL || strlen (text) != 10
      || sscanf (text, "%4u-%2u-%2u%c", &year, &month, &day, &tail) != 3)
    return FALSE;
  return g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year);
}

/* Fills @options from the parsed arguments; FALSE with @exit_code on bad usage. */
static gboolean
make_options (const Args       *args,
              NpExportOptions  *options,
              int              *exit_code)
{
  np_export_options_init (options);
  options->anonymise = args->anonymise;
  options->allow_unrecorded = args->unrecorded;

  if (args->paper != NULL && !np_paper_from_string (args->paper, &options->paper))
    {
      *exit_code = np_cli_fail (NP_CLI_EXIT_USAGE, _("--paper must be a4 or letter, not “%s”"),
                                args->paper);
      return FALSE;
    }
  if (args->window != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (args->window, ",", -1);

      if (g_strv_length (parts) != 2
          || !np_cli_parse_double (parts[0], &options->window.center)
          || !np_cli_parse_double (parts[1], &options->window.width)
          || options->window.width <= 0)
        {
          *exit_code = np_cli_fail (NP_CLI_EXIT_USAGE, _("--window must be CENTER,WIDTH with a "
                                    "positive width, not “%s”"), args->window);
          return FALSE;
        }
      options->has_window = TRUE;
    }
  if (args->date != NULL)
    {
      if (!parse_date (args->date))
        {
          *exit_code = np_cli_fail (NP_CLI_EXIT_USAGE, _("--date must be a date written "
                                    "YYYY-MM-DD, not “%s”"), args->date);
          return FALSE;
        }
      options->date = args->date;
    }
  return TRUE;
}

static void
print_warning (const char *warning)
{
  g_autofree char *line = np_terminal_text (warning, 1000);

  fprintf (stderr, _("needleplan-cli: warning: %s\n"), line);
}

/* Loads @plan_path and its frame and writes the requested files. Without
 * @collect (one plan), a plan too large for the image is announced before
 * the image is drawn; a batch collects the warnings for after its
 * progress line. */
static gboolean
export_plan (const char             *plan_path,
             const char             *png_path,
             const char             *pdf_path,
             const char             *sc_path,
             const char             *pdf_dicom_path,
             const NpExportOptions  *base_options,
             GPtrArray              *collect,
             GError                **error)
{
  g_autofree char *early = NULL;
  g_autoptr(NpPlan) plan = NULL;
  g_autoptr(NpFrame) frame = NULL;
  g_autoptr(NpPlanResults) results = NULL;
  g_autofree char *frame_path = NULL;
  g_auto(GStrv) warnings = NULL;
  NpExportOptions options = *base_options;
  NpPlanFrameCheck check = NP_PLAN_FRAME_UNVERIFIED;

  plan = np_plan_file_load (plan_path, error);
  if (plan == NULL)
    return FALSE;
  /* Read once: the bytes hashed are the bytes decoded. */
  frame = np_plan_file_load_frame (plan, plan_path, &check, NULL, error);
  if (frame == NULL)
    return FALSE;
  frame_path = g_strdup (np_frame_get_source_path (frame));
  if (check == NP_PLAN_FRAME_DIFFERS)
    {
      g_autofree char *display = g_filename_display_name (frame_path);
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("The frame “%s” has changed since the plan was saved (its SHA-256 differs); "
                   "open the plan in NeedlePlan to check the marks before exporting"), display);
      return FALSE;
    }
  if (check == NP_PLAN_FRAME_UNVERIFIED)
    {
      /* Exported all the same, as the GUI opens it: with words, not silence. */
      g_autofree char *words = np_plan_file_describe_frame_check (check, frame_path);

      if (collect != NULL)
        g_ptr_array_add (collect, g_steal_pointer (&words));
      else
        print_warning (words);
    }
  /* The SOP Instance UID the plan records must be the file's. */
  if (!np_plan_file_check_dicom_source (plan, plan_path, frame_path,
                                        np_frame_get_dicom_info (frame), error))
    return FALSE;
  results = np_export_compute_results (plan, frame, error);
  if (results == NULL)
    return FALSE;

  options.plan_path = plan_path;
  if (collect == NULL && png_path != NULL
      && !np_export_plan_fits_image (plan, results, &options, &early))
    print_warning (early);
  if (sc_path != NULL || pdf_dicom_path != NULL)
    {
      if (!np_dicom_export_files (frame, plan, results, &options, png_path, pdf_path, sc_path,
                                  pdf_dicom_path, &warnings, error))
        return FALSE;
    }
  else if (!np_export_files (frame, plan, results, &options, png_path, pdf_path, &warnings,
                             error))
    return FALSE;
  for (guint i = 0; warnings != NULL && warnings[i] != NULL; i++)
    if (collect != NULL)
      g_ptr_array_add (collect, g_strdup (warnings[i]));
    else if (g_strcmp0 (warnings[i], early) != 0)
      print_warning (warnings[i]);
  return TRUE;
}

static int
run_single (const Args  *args,
            int          argc,
            char       **argv)
{
  NpExportOptions options;
  g_autoptr(GError) error = NULL;
  int exit_code;

  if (args->out != NULL)
    return np_cli_fail (NP_CLI_EXIT_USAGE, _("--out goes with --batch; for one plan use "
                        "--png OUT or --pdf OUT (see --help)"));
  if (argc != 2)
    return np_cli_fail (NP_CLI_EXIT_USAGE, _("export takes exactly one PLAN, or --batch DIR "
                        "(see --help)"));
  if (args->png == NULL && args->pdf == NULL && args->dicom == NULL && args->pdf_dicom == NULL)
    return np_cli_fail (NP_CLI_EXIT_USAGE, _("say what to write: --png OUT, --pdf OUT, --dicom OUT "
                        "and/or --pdf-dicom OUT (see --help)"));
  {
    const struct { const char *option; const char *path; } outputs[] = {
      { "--png", args->png }, { "--pdf", args->pdf }, { "--dicom", args->dicom },
      { "--pdf-dicom", args->pdf_dicom },
    };

    /* "same", "./same" and a hard link are one file. */
    for (gsize i = 0; i < G_N_ELEMENTS (outputs); i++)
      for (gsize j = i + 1; j < G_N_ELEMENTS (outputs); j++)
        if (outputs[i].path != NULL && outputs[j].path != NULL
            && (strcmp (outputs[i].path, outputs[j].path) == 0
                || np_file_same_file (outputs[i].path, outputs[j].path)))
          return np_cli_fail (NP_CLI_EXIT_USAGE, _("%s and %s name the same file “%s”"),
                              outputs[i].option, outputs[j].option, outputs[i].path);
  }
  if (!make_options (args, &options, &exit_code))
    return exit_code;

  if (!export_plan (argv[1], args->png, args->pdf, args->dicom, args->pdf_dicom, &options, NULL,
                    &error))
    return np_cli_fail_error (NP_CLI_EXIT_INPUT, error);

  if (args->png != NULL)
    printf (_("Wrote %s\n"), args->png);
  if (args->pdf != NULL)
    printf (_("Wrote %s\n"), args->pdf);
  if (args->dicom != NULL)
    printf (_("Wrote %s\n"), args->dicom);
  if (args->pdf_dicom != NULL)
    printf (_("Wrote %s\n"), args->pdf_dicom);
  return NP_CLI_EXIT_OK;
}

static gboolean
same_directory (const char *a,
                const char *b)
{
  GStatBuf sa, sb;

  return g_stat (a, &sa) == 0 && g_stat (b, &sb) == 0 && sa.st_dev == sb.st_dev
         && sa.st_ino == sb.st_ino;
}

/* Collects the *.json files under @directory, relative to @root. Hidden
 * entries, symbolic links to folders (which can loop) and the output folder
 * are skipped. */
static void
collect_plans (const char *root,
               const char *relative,
               const char *out_dir,
               GPtrArray  *plans)
{
  g_autofree char *directory = relative != NULL ? g_build_filename (root, relative, NULL)
                                                : g_strdup (root);
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  const char *name;

  if (dir == NULL || (relative != NULL && same_directory (directory, out_dir)))
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child_relative = relative != NULL ? g_build_filename (relative, name, NULL)
                                                         : g_strdup (name);
      g_autofree char *child = g_build_filename (root, child_relative, NULL);

      if (name[0] == '.')
        continue;
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        {
          if (!g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            collect_plans (root, child_relative, out_dir, plans);
        }
      else if (g_str_has_suffix (name, ".json"))
        g_ptr_array_add (plans, g_steal_pointer (&child_relative));
    }
}

/* Whether a *.json file is a plan, by its "format" member, so that a case's
 * truth.json or any other JSON beside the plans is skipped, not failed. A
 * file that cannot be read or parsed counts as a plan: it may be a damaged
 * one, and the plan loader says what is wrong with it. */
static gboolean
is_plan_file (const char *path)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;
  JsonObject *object;
  const char *format;

  mapped = np_file_map_regular (path, _("Cannot open"), NULL);
  if (mapped == NULL || g_mapped_file_get_length (mapped) > NP_PLAN_FILE_MAX_BYTES)
    return TRUE;
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, g_mapped_file_get_contents (mapped),
                                   (gssize) g_mapped_file_get_length (mapped), NULL))
    return TRUE;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  object = json_node_get_object (root);
  if (!json_object_has_member (object, "format"))
    return FALSE;
  format = json_node_get_string (json_object_get_member (object, "format"));
  return g_strcmp0 (format, NP_PLAN_FORMAT) == 0;
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Where the files of plan @index go: the plan's path under the output folder
 * with .png / .pdf, or, anonymised, a numbered name that carries nothing of
 * the folder names (which often name the patient). */
static char *
output_base (const char    *out_dir,
             const char    *relative,
             guint          index,
             const NpPlan  *plan,
             gboolean       anonymise)
{
  if (anonymise)
    {
      g_autofree char *name = NULL;

      if (plan->side == NP_SIDE_UNSPECIFIED)
        name = g_strdup_printf ("case-%03u-%s", index + 1, np_site_to_string (plan->site));
      else
        name = g_strdup_printf ("case-%03u-%s-%s", index + 1, np_site_to_string (plan->site),
                                np_side_to_string (plan->side));
      return g_build_filename (out_dir, name, NULL);
    }
  else
    {
      g_autofree char *stem = g_strndup (relative, strlen (relative) - strlen (".json"));
      return g_build_filename (out_dir, stem, NULL);
    }
}

static gboolean
export_one_of_batch (const Args             *args,
                     const NpExportOptions  *options,
                     const char             *relative,
                     guint                   index,
                     GPtrArray              *warnings,
                     GError                **error)
{
  g_autofree char *plan_path = g_build_filename (args->batch, relative, NULL);
  g_autoptr(NpPlan) plan = NULL;
  g_autofree char *base = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *png = NULL;
  g_autofree char *pdf = NULL;

  /* Loaded here for the anonymised file name; export_plan loads it again
   * with its frame. */
  plan = np_plan_file_load (plan_path, error);
  if (plan == NULL)
    return FALSE;
  base = output_base (args->out, relative, index, plan, args->anonymise);
  folder = g_path_get_dirname (base);
  if (g_mkdir_with_parents (folder, 0755) != 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (folder);
      g_set_error (error, NP_ERROR, NP_ERROR_IO, _("Cannot create the folder “%s”: %s"), display,
                   g_strerror (saved_errno));
      return FALSE;
    }
  if (args->batch_png)
    png = g_strconcat (base, ".png", NULL);
  if (args->batch_pdf)
    pdf = g_strconcat (base, ".pdf", NULL);
  return export_plan (plan_path, png, pdf, NULL, NULL, options, warnings, error);
}

static int
run_batch (Args   *args,
           int     argc,
           char  **argv)
{
  NpExportOptions options;
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) plans = g_ptr_array_new_with_free_func (g_free);
  guint skipped = 0;
  g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func (g_free);
  int exit_code;

  if (argc != 1)
    return np_cli_fail (NP_CLI_EXIT_USAGE, _("--batch takes no PLAN; it exports every *.json "
                        "under DIR (see --help)"));
  if (args->out == NULL)
    return np_cli_fail (NP_CLI_EXIT_USAGE, _("--batch needs --out DIR for the exported files"));
  if (!make_options (args, &options, &exit_code))
    return exit_code;
  if (!args->batch_png && !args->batch_pdf)
    args->batch_png = args->batch_pdf = TRUE;

  if (!g_file_test (args->batch, G_FILE_TEST_IS_DIR))
    return np_cli_fail (NP_CLI_EXIT_INPUT, _("“%s” is not a folder"), args->batch);
  if (g_mkdir_with_parents (args->out, 0755) != 0)
    return np_cli_fail (NP_CLI_EXIT_INPUT, _("Cannot create the folder “%s”: %s"), args->out,
                        g_strerror (errno));

  collect_plans (args->batch, NULL, args->out, candidates);
  for (guint i = 0; i < candidates->len; i++)
    {
      const char *relative = g_ptr_array_index (candidates, i);
      g_autofree char *path = g_build_filename (args->batch, relative, NULL);

      if (is_plan_file (path))
        g_ptr_array_add (plans, g_strdup (relative));
      else
        skipped++;
    }
  if (plans->len == 0)
    return np_cli_fail (NP_CLI_EXIT_INPUT, _("no plan files (*.json with \"format\": \"%s\") "
                        "under “%s”"), NP_PLAN_FORMAT, args->batch);
  g_ptr_array_sort (plans, compare_paths);

  for (guint i = 0; i < plans->len; i++)
    {
      const char *relative = g_ptr_array_index (plans, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *shown = np_terminal_text (relative, 0);

      fprintf (stderr, "[%u/%u] %s … ", i + 1, plans->len, shown);
      fflush (stderr);
      if (export_one_of_batch (args, &options, relative, i, warnings, &error))
        {
          fprintf (stderr, "ok\n");
          for (guint k = 0; k < warnings->len; k++)
            {
              g_autofree char *line = np_terminal_text (g_ptr_array_index (warnings, k), 1000);
              fprintf (stderr, _("  warning: %s\n"), line);
            }
        }
      else
        {
          g_autofree char *message = np_terminal_text (error->message, 1000);

          fprintf (stderr, _("failed: %s\n"), message);
          g_ptr_array_add (failures, g_strdup_printf ("%s: %s", shown, message));
        }
    }

  {
    g_autofree char *out = np_terminal_text (args->out, 0);

    fprintf (stderr, _("Exported %u of %u plans to %s\n"), plans->len - failures->len, plans->len,
             out);
  }
  if (skipped > 0)
    fprintf (stderr, ngettext ("Skipped %u other JSON file (not plans)\n",
                               "Skipped %u other JSON files (not plans)\n", skipped), skipped);
  if (failures->len == 0)
    return NP_CLI_EXIT_OK;
  fprintf (stderr, _("%u failed:\n"), failures->len);
  for (guint i = 0; i < failures->len; i++)
    fprintf (stderr, "  %s\n", (const char *) g_ptr_array_index (failures, i));
  return NP_CLI_EXIT_INPUT;
}

int
np_cli_export (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  Args args = { 0 };
  gboolean batch = is_batch (argc, argv);
  int exit_code;
  GOptionEntry single_entries[] = {
    { "png", 0, 0, G_OPTION_ARG_FILENAME, &args.png, N_("Write the annotated image"), "OUT" },
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &args.pdf, N_("Write the report"), "OUT" },
    { "dicom", 0, 0, G_OPTION_ARG_FILENAME, &args.dicom,
      N_("Write the annotated image as a DICOM Secondary Capture"), "OUT" },
    { "pdf-dicom", 0, 0, G_OPTION_ARG_FILENAME, &args.pdf_dicom,
      N_("Write the report as a DICOM Encapsulated PDF"), "OUT" },
    { NULL }
  };
  GOptionEntry batch_entries[] = {
    { "png", 0, 0, G_OPTION_ARG_NONE, &args.batch_png, N_("With --batch: annotated images"), NULL },
    { "pdf", 0, 0, G_OPTION_ARG_NONE, &args.batch_pdf, N_("With --batch: reports"), NULL },
    { NULL }
  };
  GOptionEntry common_entries[] = {
    { "batch", 0, 0, G_OPTION_ARG_FILENAME, &args.batch,
      N_("Export every *.json plan under DIR"), "DIR" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &args.out, N_("With --batch: where the files go"), "DIR" },
    { "anonymise", 0, 0, G_OPTION_ARG_NONE, &args.anonymise,
      N_("Leave the patient's name and ID out"), NULL },
    { "anonymize", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &args.anonymise, NULL, NULL },
    { "unrecorded", 0, 0, G_OPTION_ARG_NONE, &args.unrecorded,
      N_("Export a plan without site or side, marked “not recorded”"), NULL },
    { "paper", 0, 0, G_OPTION_ARG_STRING, &args.paper, N_("Report paper: a4 (default) or letter"),
      "SIZE" },
    { "window", 0, 0, G_OPTION_ARG_STRING, &args.window,
      N_("Window for the frame (default: as NeedlePlan opens it)"), "CENTER,WIDTH" },
    { "date", 0, 0, G_OPTION_ARG_STRING, &args.date, N_("The report's date (default: today)"),
      "YYYY-MM-DD" },
    { NULL }
  };

  context = g_option_context_new (_(SUMMARY));
  g_option_context_set_description (context, _(DESCRIPTION));
  g_option_context_add_main_entries (context, batch ? batch_entries : single_entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, common_entries, GETTEXT_PACKAGE);
  if (!np_cli_parse_options (context, &argc, &argv, &exit_code))
    {
      args_clear (&args);
      return exit_code;
    }

  exit_code = batch ? run_batch (&args, argc, argv) : run_single (&args, argc, argv);
  args_clear (&args);
  return exit_code;
}

/* For `send`: the plan's Secondary Capture and Encapsulated PDF, as
 * `export PLAN --dicom SC --pdf-dicom PDF [--anonymise]` writes them. */
gboolean
np_cli_export_dicom (const char  *plan_path,
                     const char  *sc_path,
                     const char  *pdf_dicom_path,
                     gboolean     anonymise,
                     GError     **error)
{
  NpExportOptions options;

  np_export_options_init (&options);
  options.anonymise = anonymise;
  return export_plan (plan_path, NULL, NULL, sc_path, pdf_dicom_path, &options, NULL, error);
}
