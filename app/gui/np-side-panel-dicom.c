/* np-side-panel-dicom.c: NpSidePanel's rows of a DICOM source's patient and
 * study fields, in the case details
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-side-panel"

#include "np-side-panel-private.h"

#include <glib/gi18n.h>

#include "np-dicom-info.h"

/* Read-only: the file is the record of who and what was scanned; the
 * editable patient name and ID above are what exports show (and what
 * anonymised exports leave out). Nothing here reaches an export. */

typedef enum
{
  FIELD_PATIENT,
  FIELD_PATIENT_ID,
  FIELD_BIRTH_DATE,
  FIELD_SEX,
  FIELD_STUDY_DATE,
  FIELD_STUDY,
  FIELD_ACCESSION,
  FIELD_REFERRING,
  FIELD_INSTITUTION,
  FIELD_SCANNER,
} Field;

G_STATIC_ASSERT (FIELD_SCANNER + 1 == N_DICOM_ROWS);

static const char *
field_title (Field field)
{
  switch (field)
    {
    case FIELD_PATIENT: return _("Patient");
    case FIELD_PATIENT_ID: return _("Patient ID");
    case FIELD_BIRTH_DATE: return _("Birth date");
    case FIELD_SEX: return _("Sex");
    case FIELD_STUDY_DATE: return _("Study date");
    case FIELD_STUDY: return _("Study");
    case FIELD_ACCESSION: return _("Accession number");
    case FIELD_REFERRING: return _("Referring physician");
    case FIELD_INSTITUTION: return _("Institution");
    case FIELD_SCANNER: return _("Scanner");
    default: g_assert_not_reached ();
    }
}

static const char *
describe_sex (const char *value)
{
  if (g_str_equal (value, "M"))
    return _("male");
  if (g_str_equal (value, "F"))
    return _("female");
  if (g_str_equal (value, "O"))
    return _("other");
  return np_dicom_info_describe_sex (value);
}

/* The text of @field, "" when the file does not give it. */
static char *
field_text (const NpDicomInfo *info,
            Field              field)
{
  switch (field)
    {
    case FIELD_PATIENT: return np_dicom_info_format_person_name (info->patient_name);
    case FIELD_PATIENT_ID: return g_strdup (info->patient_id);
    case FIELD_BIRTH_DATE: return np_dicom_info_format_date (info->patient_birth_date);
    case FIELD_SEX: return g_strdup (describe_sex (info->patient_sex));
    case FIELD_STUDY_DATE: return np_dicom_info_format_date (info->study_date);
    case FIELD_STUDY: return g_strdup (info->study_description);
    case FIELD_ACCESSION: return g_strdup (info->accession_number);
    case FIELD_REFERRING: return np_dicom_info_format_person_name (info->referring_physician);
    case FIELD_INSTITUTION: return g_strdup (info->institution);
    case FIELD_SCANNER:
      {
        /* "US · Philips Medical Systems EPIQ 7C": the modality as the file
         * names it, then who made the machine. */
        g_autoptr(GString) text = g_string_new (info->modality);
        g_autofree char *machine = g_strjoin (" ", info->manufacturer, info->model, NULL);

        g_strstrip (machine);
        if (*machine != '\0')
          g_string_append_printf (text, "%s%s", text->len > 0 ? " · " : "", machine);
        return g_string_free (g_steal_pointer (&text), FALSE);
      }
    default:
      g_assert_not_reached ();
    }
}

/**
 * _np_side_panel_init_dicom:
 *
 * Adds the rows, hidden until a DICOM frame is shown, to the case details.
 */
void
_np_side_panel_init_dicom (NpSidePanel *self)
{
  self->dicom_header_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->dicom_header_row),
                                 _("From the DICOM file"));
  adw_action_row_set_subtitle (self->dicom_header_row,
                               _("Read-only, as the scanner wrote it; exports show only the patient name and ID above"));
  adw_action_row_set_subtitle_lines (self->dicom_header_row, 2);
  gtk_widget_set_name (GTK_WIDGET (self->dicom_header_row), "dicom_header_row");
  gtk_widget_add_css_class (GTK_WIDGET (self->dicom_header_row), "np-dicom-fields");
  gtk_widget_set_visible (GTK_WIDGET (self->dicom_header_row), FALSE);
  adw_expander_row_add_row (self->case_row, GTK_WIDGET (self->dicom_header_row));

  for (guint i = 0; i < N_DICOM_ROWS; i++)
    {
      AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
      GtkWidget *value = gtk_label_new (NULL);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), field_title (i));
      gtk_label_set_selectable (GTK_LABEL (value), TRUE);
      gtk_label_set_wrap (GTK_LABEL (value), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (value), PANGO_WRAP_WORD_CHAR);
      /* A wrapping label asks for the width of its longest word only: give
       * it room for a date or a short name on one line. */
      gtk_label_set_width_chars (GTK_LABEL (value), 14);
      gtk_label_set_max_width_chars (GTK_LABEL (value), 24);
      gtk_widget_set_hexpand (value, TRUE);
      gtk_label_set_xalign (GTK_LABEL (value), 1);
      gtk_label_set_justify (GTK_LABEL (value), GTK_JUSTIFY_RIGHT);
      gtk_widget_set_valign (value, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (row, value);
      gtk_widget_add_css_class (GTK_WIDGET (row), "np-dicom-fields");
      gtk_widget_set_visible (GTK_WIDGET (row), FALSE);
      adw_expander_row_add_row (self->case_row, GTK_WIDGET (row));
      self->dicom_rows[i] = row;
      self->dicom_values[i] = GTK_LABEL (value);
    }
}

/**
 * _np_side_panel_show_dicom:
 * @info: (nullable): the frame's DICOM header facts; %NULL hides the rows
 *
 * Shows the fields the file gives; a field it leaves empty has no row.
 */
void
_np_side_panel_show_dicom (NpSidePanel       *self,
                           const NpDicomInfo *info)
{
  gtk_widget_set_visible (GTK_WIDGET (self->dicom_header_row), info != NULL);
  for (guint i = 0; i < N_DICOM_ROWS; i++)
    {
      g_autofree char *text = info != NULL ? field_text (info, i) : g_strdup ("");

      gtk_label_set_text (self->dicom_values[i], text);
      gtk_widget_set_visible (GTK_WIDGET (self->dicom_rows[i]), *text != '\0');
    }
}

/**
 * _np_side_panel_get_dicom_field:
 * @index: a row, 0 to N_DICOM_ROWS - 1, in the order the rows are shown
 *
 * For tests: the row's title and value, %NULL when the row is hidden.
 *
 * Returns: (transfer none) (nullable): the value shown
 */
const char *
_np_side_panel_get_dicom_field (NpSidePanel  *self,
                                guint         index,
                                const char  **title)
{
  g_return_val_if_fail (index < N_DICOM_ROWS, NULL);

  if (title != NULL)
    *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->dicom_rows[index]));
  if (!gtk_widget_get_visible (GTK_WIDGET (self->dicom_rows[index])))
    return NULL;
  return gtk_label_get_text (self->dicom_values[index]);
}
