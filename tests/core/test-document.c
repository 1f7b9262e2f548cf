/* test-document.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-document.h"

static void
count_cb (NpDocument *document,
          guint      *count)
{
  (*count)++;
}

static NpPlan *
plan_with_target (NpDocument *document,
                  double      x,
                  double      y)
{
  NpPlan *plan = np_document_dup_plan (document);

  plan->has_target = TRUE;
  plan->target = np_image_point (x, y);
  return plan;
}

static void
test_document_edit_undo_redo (void)
{
  g_autoptr(NpDocument) document = np_document_new ();
  guint changes = 0;

  g_signal_connect (document, "changed", G_CALLBACK (count_cb), &changes);
  g_assert_false (np_document_can_undo (document));
  g_assert_false (np_document_get_dirty (document));

  np_document_edit (document, plan_with_target (document, 10, 20), "Place target");
  np_document_edit (document, plan_with_target (document, 30, 40), "Move target");
  g_assert_cmpuint (changes, ==, 2);
  g_assert_true (np_document_get_dirty (document));
  g_assert_cmpstr (np_document_get_undo_label (document), ==, "Move target");

  g_assert_true (np_document_undo (document));
  g_assert_cmpfloat (np_document_get_plan (document)->target.x, ==, 10);
  g_assert_cmpstr (np_document_get_redo_label (document), ==, "Move target");
  g_assert_true (np_document_undo (document));
  g_assert_false (np_document_get_plan (document)->has_target);
  g_assert_false (np_document_undo (document));

  g_assert_true (np_document_redo (document));
  g_assert_true (np_document_redo (document));
  g_assert_cmpfloat (np_document_get_plan (document)->target.y, ==, 40);
  g_assert_false (np_document_can_redo (document));
  g_assert_cmpuint (changes, ==, 6);

  /* A new edit after an undo discards the redo branch. */
  g_assert_true (np_document_undo (document));
  np_document_edit (document, plan_with_target (document, 5, 5), "Move target");
  g_assert_false (np_document_can_redo (document));
}

static void
test_document_no_op_edit (void)
{
  g_autoptr(NpDocument) document = np_document_new ();

  np_document_edit (document, np_document_dup_plan (document), "Nothing");
  g_assert_false (np_document_can_undo (document));
  g_assert_false (np_document_get_dirty (document));
}

static void
test_document_live_edit_is_one_step (void)
{
  g_autoptr(NpDocument) document = np_document_new ();
  guint changes = 0;

  g_signal_connect (document, "changed", G_CALLBACK (count_cb), &changes);
  np_document_edit (document, plan_with_target (document, 0, 0), "Place target");
  np_document_begin_live_edit (document, "Drag target");
  for (int i = 1; i <= 10; i++)
    np_document_live_edit (document, plan_with_target (document, i, i));
  np_document_end_live_edit (document);

  /* 1 edit + 10 drag steps redraw; undo has two steps, not eleven. */
  g_assert_cmpuint (changes, ==, 11);
  g_assert_cmpstr (np_document_get_undo_label (document), ==, "Drag target");
  g_assert_true (np_document_undo (document));
  g_assert_cmpfloat (np_document_get_plan (document)->target.x, ==, 0);
  g_assert_true (np_document_undo (document));
  g_assert_false (np_document_can_undo (document));
}

static void
test_document_new_frame_resets (void)
{
  g_autoptr(NpDocument) document = np_document_new ();
  g_autoptr(NpFrame) frame = np_frame_new (4, 4, 1, 8, NULL);

  np_document_edit (document, plan_with_target (document, 1, 1), "Place target");
  np_document_set_path (document, "/tmp/a.json");
  np_document_set_frame (document, frame, NULL);
  g_assert_true (np_document_get_frame (document) == frame);
  g_assert_false (np_document_can_undo (document));
  g_assert_false (np_document_get_dirty (document));
  g_assert_false (np_document_get_plan (document)->has_target);
}

/* Another still of the same file: the plan, its history and the dirty flag
 * stay; the views hear of the new frame. */
static void
test_document_replace_frame_keeps_plan (void)
{
  g_autoptr(NpDocument) document = np_document_new ();
  g_autoptr(NpFrame) first = np_frame_new (4, 4, 1, 8, NULL);
  g_autoptr(NpFrame) second = np_frame_new (4, 4, 1, 8, NULL);
  guint frame_changes = 0, changes = 0;

  np_document_set_frame (document, first, NULL);
  np_document_edit (document, plan_with_target (document, 1, 2), "Place target");
  g_signal_connect (document, "frame-changed", G_CALLBACK (count_cb), &frame_changes);
  g_signal_connect (document, "changed", G_CALLBACK (count_cb), &changes);

  np_document_replace_frame (document, second);
  g_assert_true (np_document_get_frame (document) == second);
  g_assert_cmpuint (frame_changes, ==, 1);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_true (np_document_get_plan (document)->has_target);
  g_assert_cmpfloat (np_document_get_plan (document)->target.y, ==, 2);
  g_assert_true (np_document_can_undo (document));
  g_assert_true (np_document_get_dirty (document));

  /* The same frame again is no change. */
  np_document_replace_frame (document, second);
  g_assert_cmpuint (frame_changes, ==, 1);
}

/* Dirty means "differs from the saved plan", whichever way the plan got
 * there: undo back to the saved state is clean, redo away is dirty again. */
static void
test_document_dirty_follows_saved_state (void)
{
  g_autoptr(NpDocument) document = np_document_new ();

  np_document_edit (document, plan_with_target (document, 10, 20), "Place target");
  np_document_set_dirty (document, FALSE);           /* saved here */
  np_document_edit (document, plan_with_target (document, 30, 40), "Move target");
  g_assert_true (np_document_get_dirty (document));

  g_assert_true (np_document_undo (document));       /* back at the save */
  g_assert_false (np_document_get_dirty (document));
  g_assert_true (np_document_undo (document));       /* before the save */
  g_assert_true (np_document_get_dirty (document));
  g_assert_true (np_document_redo (document));
  g_assert_false (np_document_get_dirty (document));
  g_assert_true (np_document_redo (document));
  g_assert_true (np_document_get_dirty (document));

  /* A drag that ends where it started leaves the saved state clean. */
  g_assert_true (np_document_undo (document));
  np_document_begin_live_edit (document, "Drag target");
  np_document_live_edit (document, plan_with_target (document, 11, 21));
  np_document_live_edit (document, plan_with_target (document, 10, 20));
  np_document_end_live_edit (document);
  g_assert_false (np_document_get_dirty (document));

  /* Marked dirty by hand (the plan now names a moved frame): only a save
   * clears it, not an undo. */
  np_document_set_dirty (document, TRUE);
  np_document_edit (document, plan_with_target (document, 1, 1), "Move target");
  g_assert_true (np_document_undo (document));
  g_assert_true (np_document_get_dirty (document));
}

static void
test_document_finalizes (void)
{
  NpDocument *document = np_document_new ();

  np_document_edit (document, plan_with_target (document, 1, 1), "Place target");
  g_assert_finalize_object (document);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/document/edit-undo-redo", test_document_edit_undo_redo);
  g_test_add_func ("/core/document/no-op-edit", test_document_no_op_edit);
  g_test_add_func ("/core/document/live-edit-one-step", test_document_live_edit_is_one_step);
  g_test_add_func ("/core/document/new-frame-resets", test_document_new_frame_resets);
  g_test_add_func ("/core/document/replace-frame-keeps-plan",
                   test_document_replace_frame_keeps_plan);
  g_test_add_func ("/core/document/dirty-follows-saved-state",
                   test_document_dirty_follows_saved_state);
  g_test_add_func ("/core/document/finalizes", test_document_finalizes);
  return g_test_run ();
}
