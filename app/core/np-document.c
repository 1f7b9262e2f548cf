/* np-document.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-document.h"

/* The document owns the frame and the plan the clinician is working on.
 * Every edit replaces the plan with a new snapshot and pushes the old one on
 * the undo stack, so undo is exact and the GUI never mutates shared state.
 * A drag is one live edit: many updates, one undo step. */

#define MAX_UNDO 200

typedef struct
{
  NpPlan *plan;
  char *description;
} UndoStep;

struct _NpDocument
{
  GObject parent_instance;

  /* owned */
  NpFrame *frame;
  NpPlan *plan;
  GQueue undo;               /* UndoStep*, most recent at head */
  GQueue redo;
  char *path;

  NpPlan *live_before;       /* plan at the start of a live edit */
  char *live_description;

  /* The plan as last saved or opened; NULL when no state of the plan is
   * known to be on disk (the caller marked the document dirty itself). */
  NpPlan *saved;

  guint64 revision;
  gboolean dirty;
};

G_DEFINE_FINAL_TYPE (NpDocument, np_document, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DIRTY,
  PROP_PATH,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  N_PROPS
};

enum {
  CHANGED,
  FRAME_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
undo_step_free (gpointer data)
{
  UndoStep *step = data;

  np_plan_free (step->plan);
  g_free (step->description);
  g_free (step);
}

static void
clear_stack (GQueue *stack)
{
  g_queue_clear_full (stack, undo_step_free);
}

static void
push_step (GQueue     *stack,
           NpPlan     *plan,
           const char *description)
{
  UndoStep *step = g_new0 (UndoStep, 1);

  step->plan = plan;
  step->description = g_strdup (description);
  g_queue_push_head (stack, step);
  while (g_queue_get_length (stack) > MAX_UNDO)
    undo_step_free (g_queue_pop_tail (stack));
}

/* Notified on every step, not only when the boolean changes: the undo and
 * redo labels ("Undo Move target") change with each step. */
static void
notify_history (NpDocument *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
}

static void set_dirty_flag (NpDocument *self,
                            gboolean    dirty);

/* Dirty means "differs from what is on disk", so undoing back to the saved
 * plan clears it and redoing away sets it again. */
static void
update_dirty (NpDocument *self)
{
  set_dirty_flag (self, self->saved == NULL || !np_plan_equal (self->plan, self->saved));
}

static void
emit_changed (NpDocument *self)
{
  self->revision++;
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
np_document_finalize (GObject *object)
{
  NpDocument *self = NP_DOCUMENT (object);

  g_clear_pointer (&self->frame, np_frame_unref);
  g_clear_pointer (&self->plan, np_plan_free);
  g_clear_pointer (&self->live_before, np_plan_free);
  g_clear_pointer (&self->live_description, g_free);
  g_clear_pointer (&self->saved, np_plan_free);
  g_clear_pointer (&self->path, g_free);
  clear_stack (&self->undo);
  clear_stack (&self->redo);

  G_OBJECT_CLASS (np_document_parent_class)->finalize (object);
}

static void
np_document_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  NpDocument *self = NP_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_DIRTY:
      g_value_set_boolean (value, self->dirty);
      break;
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, np_document_can_undo (self));
      break;
    case PROP_CAN_REDO:
      g_value_set_boolean (value, np_document_can_redo (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_document_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  NpDocument *self = NP_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_DIRTY:
      np_document_set_dirty (self, g_value_get_boolean (value));
      break;
    case PROP_PATH:
      np_document_set_path (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_document_class_init (NpDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = np_document_finalize;
  object_class->get_property = np_document_get_property;
  object_class->set_property = np_document_set_property;

  properties[PROP_DIRTY] =
    g_param_spec_boolean ("dirty", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * NpDocument::changed:
   * The plan was replaced (an edit, a live-edit step, undo or redo).
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * NpDocument::frame-changed:
   * A different frame was set; its texture must be uploaded again.
   */
  signals[FRAME_CHANGED] = g_signal_new ("frame-changed", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 0);
}

static void
np_document_init (NpDocument *self)
{
  g_queue_init (&self->undo);
  g_queue_init (&self->redo);
  self->plan = np_plan_new ();
  self->saved = np_plan_copy (self->plan);
}

NpDocument *
np_document_new (void)
{
  return g_object_new (NP_TYPE_DOCUMENT, NULL);
}

/**
 * np_document_get_frame:
 *
 * Returns: (transfer none) (nullable): the frame
 */
NpFrame *
np_document_get_frame (NpDocument *self)
{
  g_return_val_if_fail (NP_IS_DOCUMENT (self), NULL);
  return self->frame;
}

/**
 * np_document_get_plan:
 *
 * Returns: (transfer none): the current plan; valid until the next edit
 */
const NpPlan *
np_document_get_plan (NpDocument *self)
{
  g_return_val_if_fail (NP_IS_DOCUMENT (self), NULL);
  return self->plan;
}

/**
 * np_document_dup_plan:
 *
 * Returns: (transfer full): a copy of the current plan, to edit and hand
 *   back with np_document_edit()
 */
NpPlan *
np_document_dup_plan (NpDocument *self)
{
  g_return_val_if_fail (NP_IS_DOCUMENT (self), NULL);
  return np_plan_copy (self->plan);
}

/**
 * np_document_set_frame:
 * @frame: (transfer none) (nullable): the frame
 * @plan: (transfer full) (nullable): its plan, or %NULL for a new one
 *
 * Starts over on a new frame: clears undo history, dirty flag and path.
 */
void
np_document_set_frame (NpDocument *self,
                       NpFrame    *frame,
                       NpPlan     *plan)
{

  g_return_if_fail (NP_IS_DOCUMENT (self));


  if (frame != NULL)
    np_frame_ref (frame);
  g_clear_pointer (&self->frame, np_frame_unref);
  self->frame = frame;

  g_clear_pointer (&self->plan, np_plan_free);
  self->plan = plan != NULL ? plan : np_plan_new ();
  g_clear_pointer (&self->live_before, np_plan_free);
  g_clear_pointer (&self->live_description, g_free);
  clear_stack (&self->undo);
  clear_stack (&self->redo);

  notify_history (self);
  np_document_set_dirty (self, FALSE);
  g_signal_emit (self, signals[FRAME_CHANGED], 0);
  emit_changed (self);
}

/**
 * np_document_replace_frame:
 * @frame: another frame of the same file (a still of a cine loop)
 *
 * Shows @frame under the same plan, keeping the undo history and the
 * dirty flag: the plan's marks stay where they are.
 */
void
np_document_replace_frame (NpDocument *self,
                           NpFrame    *frame)
{
  g_return_if_fail (NP_IS_DOCUMENT (self));
  g_return_if_fail (frame != NULL);

  if (frame == self->frame)
    return;
  np_frame_ref (frame);
  g_clear_pointer (&self->frame, np_frame_unref);
  self->frame = frame;
  g_signal_emit (self, signals[FRAME_CHANGED], 0);
  emit_changed (self);
}

/**
 * np_document_edit:
 * @plan: (transfer full): the new plan
 * @description: what the edit did, for the undo menu ("Move target")
 *
 * Replaces the plan as one undoable step. An edit that changes nothing is
 * dropped, so clicking without moving leaves no empty undo step.
 */
void
np_document_edit (NpDocument *self,
                  NpPlan     *plan,
                  const char *description)
{

  g_return_if_fail (NP_IS_DOCUMENT (self));
  g_return_if_fail (plan != NULL);
  g_return_if_fail (self->live_before == NULL);

  if (np_plan_equal (plan, self->plan))
    {
      np_plan_free (plan);
      return;
    }

  push_step (&self->undo, self->plan, description);
  self->plan = plan;
  clear_stack (&self->redo);
  notify_history (self);
  update_dirty (self);
  emit_changed (self);
}

void
np_document_begin_live_edit (NpDocument *self,
                             const char *description)
{
  g_return_if_fail (NP_IS_DOCUMENT (self));
  g_return_if_fail (self->live_before == NULL);

  self->live_before = np_plan_copy (self->plan);
  self->live_description = g_strdup (description);
}

/**
 * np_document_live_edit:
 * @plan: (transfer full): the plan at this step of the drag
 */
void
np_document_live_edit (NpDocument *self,
                       NpPlan     *plan)
{
  g_return_if_fail (NP_IS_DOCUMENT (self));
  g_return_if_fail (plan != NULL);
  g_return_if_fail (self->live_before != NULL);

  np_plan_free (self->plan);
  self->plan = plan;
  emit_changed (self);
}

void
np_document_end_live_edit (NpDocument *self)
{
  g_autoptr(NpPlan) before = NULL;
  g_autofree char *description = NULL;

  g_return_if_fail (NP_IS_DOCUMENT (self));
  g_return_if_fail (self->live_before != NULL);

  before = g_steal_pointer (&self->live_before);
  description = g_steal_pointer (&self->live_description);
  if (np_plan_equal (before, self->plan))
    return;

  push_step (&self->undo, g_steal_pointer (&before), description);
  clear_stack (&self->redo);
  notify_history (self);
  update_dirty (self);
}

gboolean
np_document_in_live_edit (NpDocument *self)
{
  g_return_val_if_fail (NP_IS_DOCUMENT (self), FALSE);
  return self->live_before != NULL;
}

gboolean
np_document_can_undo (NpDocument *self)
{
  g_return_val_if_fail (NP_IS_DOCUMENT (self), FALSE);
  return self->undo.length > 0;
}

gboolean
np_document_can_redo (NpDocument *self)
{
  g_return_val_if_fail (NP_IS_DOCUMENT (self), FALSE);
  return self->redo.length > 0;
}

/**
 * np_document_get_undo_label:
 *
 * Returns: (nullable): what undo would revert
 */
const char *
np_document_get_undo_label (NpDocument *self)
{
  UndoStep *step;

  g_return_val_if_fail (NP_IS_DOCUMENT (self), NULL);
  step = g_queue_peek_head (&self->undo);
  return step ? step->description : NULL;
}

const char *
np_document_get_redo_label (NpDocument *self)
{
  UndoStep *step;

  g_return_val_if_fail (NP_IS_DOCUMENT (self), NULL);
  step = g_queue_peek_head (&self->redo);
  return step ? step->description : NULL;
}

static gboolean
move_step (NpDocument *self,
           GQueue     *from,
           GQueue     *to)
{
  UndoStep *step;

  if (self->live_before != NULL || from->length == 0)
    return FALSE;

  step = g_queue_pop_head (from);
  push_step (to, self->plan, step->description);
  self->plan = g_steal_pointer (&step->plan);
  undo_step_free (step);
  notify_history (self);
  update_dirty (self);
  emit_changed (self);
  return TRUE;
}

gboolean
np_document_undo (NpDocument *self)
{
  g_return_val_if_fail (NP_IS_DOCUMENT (self), FALSE);
  return move_step (self, &self->undo, &self->redo);
}

gboolean
np_document_redo (NpDocument *self)
{
  g_return_val_if_fail (NP_IS_DOCUMENT (self), FALSE);
  return move_step (self, &self->redo, &self->undo);
}

gboolean
np_document_get_dirty (NpDocument *self)
{
  g_return_val_if_fail (NP_IS_DOCUMENT (self), FALSE);
  return self->dirty;
}

static void
set_dirty_flag (NpDocument *self,
                gboolean    dirty)
{
  dirty = !!dirty;
  if (self->dirty == dirty)
    return;
  self->dirty = dirty;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRTY]);
}

/**
 * np_document_set_dirty:
 * @dirty: %FALSE once the plan is saved, %TRUE when it must be saved again
 *   even if it matches the saved plan
 *
 * %FALSE records the current plan as the saved one: undoing back to it later
 * clears the flag again. %TRUE forgets the saved plan, so only a save clears
 * the flag.
 */
void
np_document_set_dirty (NpDocument *self,
                       gboolean    dirty)
{
  g_return_if_fail (NP_IS_DOCUMENT (self));

  g_clear_pointer (&self->saved, np_plan_free);
  if (!dirty)
    self->saved = np_plan_copy (self->plan);
  set_dirty_flag (self, dirty);
}

const char *
np_document_get_path (NpDocument *self)
{
  g_return_val_if_fail (NP_IS_DOCUMENT (self), NULL);
  return self->path;
}

void
np_document_set_path (NpDocument *self,
                      const char *path)
{
  g_return_if_fail (NP_IS_DOCUMENT (self));

  if (g_strcmp0 (self->path, path) == 0)
    return;
  g_free (self->path);
  self->path = g_strdup (path);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATH]);
}

/**
 * np_document_get_revision:
 *
 * Increases on every change of the plan; lets caches (planner results, the
 * overlay) know whether they are stale.
 */
guint64
np_document_get_revision (NpDocument *self)
{
  g_return_val_if_fail (NP_IS_DOCUMENT (self), 0);
  return self->revision;
}
