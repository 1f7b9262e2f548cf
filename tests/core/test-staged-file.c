/* test-staged-file.c: saving replaces only what it should
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every target lives in the test's own temporary folder; device nodes are
 * stood in for by FIFOs, which the save must refuse the same way.
 */

#include "np-error.h"
#include "np-file.h"
#include "np-staged-file.h"
#include "np-terminal-text.h"

#include <errno.h>
#include <grp.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static char *
make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("np-test-staged-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        {
          g_chmod (path, 0755);
          remove_tree (path);
        }
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static char *
read_text (const char *path)
{
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static void
test_new_file_gets_umask (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "report.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  mode_t old = umask (027);
  struct stat info;

  g_assert_true (np_file_write_atomic (path, "new", 3, &error));
  umask (old);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &info), ==, 0);
  /* 0666 with the group's write and everything of others masked off. */
  g_assert_cmpint (info.st_mode & 0777, ==, 0640);
  text = read_text (path);
  g_assert_cmpstr (text, ==, "new");
  g_assert_cmpuint (count_entries (dir), ==, 1);
  remove_tree (dir);
}

static void
test_replaced_file_keeps_mode (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "report.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  struct stat before, after;

  g_assert_true (g_file_set_contents (path, "old", 3, NULL));
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  g_assert_cmpint (g_stat (path, &before), ==, 0);
  g_assert_true (np_file_write_atomic (path, "replacement", 11, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &after), ==, 0);
  g_assert_cmpint (after.st_mode & 07777, ==, 0600);
  g_assert_cmpint (after.st_uid, ==, before.st_uid);
  g_assert_cmpint (after.st_gid, ==, before.st_gid);
  /* A new inode: the file was replaced whole, not written in place. */
  g_assert_cmpint (after.st_ino, !=, before.st_ino);
  text = read_text (path);
  g_assert_cmpstr (text, ==, "replacement");
  remove_tree (dir);
}

static void
assert_refused (const char *path,
                const char *reason)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (np_file_write_atomic (path, "x", 1, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_IO);
  g_assert_nonnull (strstr (error->message, reason));
}

static void
test_refuses_what_is_not_a_regular_file (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *fifo = g_build_filename (dir, "fifo", NULL);
  g_autofree char *link_to_fifo = g_build_filename (dir, "link-to-fifo", NULL);
  g_autofree char *dangling = g_build_filename (dir, "dangling", NULL);
  g_autofree char *folder = g_build_filename (dir, "folder", NULL);
  g_autofree char *read_only = g_build_filename (dir, "read-only.png", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing", "out.png", NULL);
  g_autofree char *socket_path = g_build_filename (dir, "socket", NULL);
  struct sockaddr_un address = { .sun_family = AF_UNIX };
  struct stat info;
  int fd;

  g_assert_cmpint (mkfifo (fifo, 0644), ==, 0);
  g_assert_cmpint (symlink ("fifo", link_to_fifo), ==, 0);
  g_assert_cmpint (symlink ("nowhere/x", dangling), ==, 0);
  g_assert_cmpint (g_mkdir (folder, 0755), ==, 0);
  g_assert_true (g_file_set_contents (read_only, "kept", 4, NULL));
  g_assert_cmpint (g_chmod (read_only, 0444), ==, 0);

  /* A listening socket, as a running program would leave. */
  g_assert_cmpuint (strlen (socket_path), <, sizeof address.sun_path);
  strcpy (address.sun_path, socket_path);
  fd = socket (AF_UNIX, SOCK_STREAM, 0);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &address, sizeof address), ==, 0);

  assert_refused (socket_path, "it is a socket, not a regular file");
  assert_refused (fifo, "it is a named pipe (FIFO), not a regular file");
  assert_refused (link_to_fifo, "it is a named pipe (FIFO), not a regular file");
  assert_refused (dangling, "it is a symbolic link to a file that does not exist");
  assert_refused (folder, "it is a folder");
  assert_refused (read_only, "it is read-only");
  assert_refused (missing, "no such file or folder");

  /* Each is exactly what it was, and no temporary file is left. */
  g_assert_cmpint (lstat (fifo, &info), ==, 0);
  g_assert_true (S_ISFIFO (info.st_mode));
  g_assert_cmpint (lstat (link_to_fifo, &info), ==, 0);
  g_assert_true (S_ISLNK (info.st_mode));
  g_assert_cmpint (lstat (dangling, &info), ==, 0);
  g_assert_true (S_ISLNK (info.st_mode));
  g_assert_cmpint (lstat (folder, &info), ==, 0);
  g_assert_true (S_ISDIR (info.st_mode));
  g_assert_cmpint (lstat (socket_path, &info), ==, 0);
  g_assert_true (S_ISSOCK (info.st_mode));
  close (fd);
  g_assert_cmpuint (count_entries (dir), ==, 6);
  remove_tree (dir);
}

static void
test_symlink_replaces_its_target (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *real = g_build_filename (dir, "real.json", NULL);
  g_autofree char *link = g_build_filename (dir, "link.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  struct stat info;

  g_assert_true (g_file_set_contents (real, "old", 3, NULL));
  g_assert_cmpint (symlink ("real.json", link), ==, 0);
  g_assert_true (np_file_write_atomic (link, "new", 3, &error));
  g_assert_no_error (error);
  g_assert_cmpint (lstat (link, &info), ==, 0);
  g_assert_true (S_ISLNK (info.st_mode));
  text = read_text (real);
  g_assert_cmpstr (text, ==, "new");
  remove_tree (dir);
}

static void
test_temporary_names (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "plan.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpStagedFile) staged = NULL;
  g_autofree char *base = NULL;
  struct stat info;

  staged = np_staged_file_new (path, "{}", 2, &error);
  g_assert_no_error (error);
  base = g_path_get_basename (np_staged_file_get_temporary (staged));
  /* ".plan.json.needleplan-" and six random characters. */
  g_assert_true (g_str_has_prefix (base, ".plan.json.needleplan-"));
  g_assert_cmpuint (strlen (base), ==, strlen (".plan.json.needleplan-") + 6);
  /* Nothing at the target until the commit. */
  g_assert_cmpint (g_stat (path, &info), !=, 0);
  g_assert_true (np_staged_file_commit (staged, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &info), ==, 0);
  g_assert_cmpuint (count_entries (dir), ==, 1);
  remove_tree (dir);
}

static void
test_uncommitted_leaves_nothing (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "plan.json", NULL);
  NpStagedFile *staged;

  g_assert_true (g_file_set_contents (path, "kept", 4, NULL));
  staged = np_staged_file_new (path, "lost", 4, NULL);
  g_assert_nonnull (staged);
  g_assert_cmpuint (count_entries (dir), ==, 2);
  np_staged_file_free (staged);
  g_assert_cmpuint (count_entries (dir), ==, 1);
  {
    g_autofree char *text = read_text (path);
    g_assert_cmpstr (text, ==, "kept");
  }
  remove_tree (dir);
}

static void
test_stale_temporaries_removed (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *stale = g_build_filename (dir, ".plan.json.needleplan-AbC123", NULL);
  g_autofree char *other = g_build_filename (dir, ".report.pdf.needleplan-zzzzzz", NULL);
  g_autofree char *not_ours = g_build_filename (dir, ".plan.json.swp", NULL);
  g_autofree char *path = g_build_filename (dir, "plan.json", NULL);
  g_autofree char *other_plan = g_build_filename (dir, "other.json", NULL);
  g_autoptr(NpStagedFile) in_progress = NULL;
  g_autoptr(GError) error = NULL;

  /* Left by a save that was killed, and one of another file's. */
  g_assert_true (g_file_set_contents (stale, "half", 4, NULL));
  g_assert_true (g_file_set_contents (other, "half", 4, NULL));
  g_assert_true (g_file_set_contents (not_ours, "editor", 6, NULL));
  /* A save still running (its temporary locked) must not lose its file. */
  in_progress = np_staged_file_new (other_plan, "{}", 2, &error);
  g_assert_no_error (error);

  g_assert_true (np_file_write_atomic (path, "{}", 2, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (not_ours, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (np_staged_file_get_temporary (in_progress), G_FILE_TEST_EXISTS));
  g_assert_true (np_staged_file_commit (in_progress, &error));
  g_assert_no_error (error);
  remove_tree (dir);
}

static void
test_long_names (void)
{
  g_autofree char *dir = make_dir ();
  g_autoptr(GError) error = NULL;

  /* 249 to 255 bytes: legal names that the temporary's suffix must not
   * push over the limit; 255 with a two-byte character cut in the middle. */
  for (guint length = 240; length <= 255; length++)
    {
      g_autofree char *name = g_strnfill (length, 'a');
      g_autofree char *path = NULL;
      g_autofree char *text = NULL;

      if (length == 255)
        memcpy (name + 226, "é", 2);
      path = g_build_filename (dir, name, NULL);
      g_assert_true (np_file_write_atomic (path, "long", 4, &error));
      g_assert_no_error (error);
      text = read_text (path);
      g_assert_cmpstr (text, ==, "long");
      /* A second save replaces the first. */
      g_assert_true (np_file_write_atomic (path, "again", 5, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpuint (count_entries (dir), ==, 16);
  {
    g_autofree char *name = g_strnfill (256, 'a');
    g_autofree char *path = g_build_filename (dir, name, NULL);

    g_assert_false (np_file_write_atomic (path, "x", 1, &error));
    g_assert_error (error, NP_ERROR, NP_ERROR_IO);
    g_assert_nonnull (strstr (error->message, "the file name is too long"));
  }
  remove_tree (dir);
}

static void
test_commit_all_checks_every_target_first (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *first = g_build_filename (dir, "a.png", NULL);
  g_autofree char *second = g_build_filename (dir, "b.pdf", NULL);
  g_autoptr(GPtrArray) staged = g_ptr_array_new_with_free_func ((GDestroyNotify) np_staged_file_free);
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (staged, np_staged_file_new (first, "png", 3, NULL));
  g_ptr_array_add (staged, np_staged_file_new (second, "pdf", 3, NULL));
  g_assert_nonnull (g_ptr_array_index (staged, 0));
  g_assert_nonnull (g_ptr_array_index (staged, 1));
  /* The second target turns into a FIFO between staging and commit. */
  g_assert_cmpint (mkfifo (second, 0644), ==, 0);
  g_assert_false (np_staged_file_commit_all (staged, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_IO);
  g_assert_false (g_file_test (first, G_FILE_TEST_EXISTS));
  g_clear_pointer (&staged, g_ptr_array_unref);
  /* Only the FIFO is left. */
  g_assert_cmpuint (count_entries (dir), ==, 1);
  remove_tree (dir);
}

static void
test_same_file (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *frame = g_build_filename (dir, "frame.png", NULL);
  g_autofree char *hard = g_build_filename (dir, "hard.png", NULL);
  g_autofree char *soft = g_build_filename (dir, "soft.png", NULL);
  g_autofree char *dotted = g_build_filename (dir, ".", "frame.png", NULL);
  g_autofree char *new_a = g_build_filename (dir, "new.pdf", NULL);
  g_autofree char *new_b = g_build_filename (dir, ".", "new.pdf", NULL);
  g_autofree char *other = g_build_filename (dir, "other.pdf", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (frame, "png", 3, NULL));
  g_assert_cmpint (link (frame, hard), ==, 0);
  g_assert_cmpint (symlink ("frame.png", soft), ==, 0);
  g_assert_true (np_file_same_file (frame, hard));
  g_assert_true (np_file_same_file (frame, soft));
  g_assert_true (np_file_same_file (frame, dotted));
  g_assert_true (np_file_same_file (new_a, new_b));
  g_assert_false (np_file_same_file (new_a, other));
  g_assert_false (np_file_same_file (new_a, frame));
  g_assert_false (np_file_same_file (NULL, frame));

  g_assert_true (np_file_check_output (other, frame, "the frame", &error));
  g_assert_no_error (error);
  g_assert_false (np_file_check_output (hard, frame, "the frame", &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "it is the frame"));
  remove_tree (dir);
}

/* What an ordinary user sees: a read-only folder refuses the save with no
 * temporary file left, a 0600 file stays 0600. Returns a failed check's
 * number, or 0. */
static int
unprivileged_checks (const char *dir)
{
  g_autofree char *locked = g_build_filename (dir, "locked", NULL);
  g_autofree char *in_locked = g_build_filename (locked, "report.pdf", NULL);
  g_autofree char *private_file = g_build_filename (dir, "private.pdf", NULL);
  GError *error = NULL;
  struct stat info;
  gboolean ok;

  if (g_mkdir (locked, 0755) != 0 || !g_file_set_contents (in_locked, "kept", 4, NULL)
      || g_chmod (locked, 0555) != 0)
    return 1;
  ok = np_file_write_atomic (in_locked, "new", 3, &error);
  if (ok || error == NULL || strstr (error->message, "permission denied") == NULL)
    return 2;
  g_clear_error (&error);
  if (count_entries (locked) != 1)
    return 3;
  g_chmod (locked, 0755);

  if (!g_file_set_contents (private_file, "old", 3, NULL) || g_chmod (private_file, 0600) != 0)
    return 4;
  if (!np_file_write_atomic (private_file, "new", 3, &error))
    return 5;
  if (g_stat (private_file, &info) != 0 || (info.st_mode & 07777) != 0600
      || info.st_uid != geteuid ())
    return 6;
  return 0;
}

static void
test_unprivileged (void)
{
  g_autofree char *dir = make_dir ();
  int pipe_fds[2];
  char result[8] = { 0 };
  pid_t pid;
  int status;

  if (geteuid () != 0)
    {
      g_assert_cmpint (unprivileged_checks (dir), ==, 0);
      remove_tree (dir);
      return;
    }

  /* As root (CI), the checks run in a child that became "nobody". */
  g_assert_cmpint (chown (dir, 65534, 65534), ==, 0);
  g_assert_cmpint (pipe (pipe_fds), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      char line[8];
      int failed = 100;

      close (pipe_fds[0]);
      if (setgroups (0, NULL) == 0 && setgid (65534) == 0 && setuid (65534) == 0)
        failed = unprivileged_checks (dir);
      g_snprintf (line, sizeof line, "%d\n", failed);
      /* The result travels through the pipe: under valgrind a child's exit
       * status is valgrind's. */
      if (write (pipe_fds[1], line, strlen (line)) < 0)
        _exit (1);
      _exit (0);
    }
  close (pipe_fds[1]);
  g_assert_cmpint (read (pipe_fds[0], result, sizeof result - 1), >, 0);
  close (pipe_fds[0]);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_cmpint (atoi (result), ==, 0);
  remove_tree (dir);
}

/* Root replacing another user's file gives it back to that user. */
static void
test_root_keeps_owner (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "theirs.pdf", NULL);
  g_autoptr(GError) error = NULL;
  struct stat info;

  if (geteuid () != 0)
    {
      g_test_skip ("only root can replace another user's file");
      remove_tree (dir);
      return;
    }
  g_assert_true (g_file_set_contents (path, "old", 3, NULL));
  g_assert_cmpint (chown (path, 65534, 65534), ==, 0);
  g_assert_cmpint (g_chmod (path, 0640), ==, 0);
  g_assert_true (np_file_write_atomic (path, "new", 3, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &info), ==, 0);
  g_assert_cmpint (info.st_uid, ==, 65534);
  g_assert_cmpint (info.st_gid, ==, 65534);
  g_assert_cmpint (info.st_mode & 07777, ==, 0640);
  remove_tree (dir);
}

static void
test_terminal_text (void)
{
  struct { const char *in; gsize max; const char *out; } cases[] = {
    { "knee", 0, "knee" },
    { NULL, 0, "" },
    /* A newline cannot start a forged line; ESC cannot reach the terminal. */
    { "a\n[2/2] b ... ok", 0, "a\\n[2/2] b ... ok" },
    { "\x1b[31mred", 0, "\\e[31mred" },
    { "tab\there\r", 0, "tab\\there\\r" },
    { "bell\x07", 0, "bell\\x07" },
    { "back\\slash", 0, "back\\\\slash" },
    /* U+202E RIGHT-TO-LEFT OVERRIDE reorders what follows on screen. */
    { "gpj.\u202eexe", 0, "gpj.\\u202eexe" },
    /* A byte that is not UTF-8. */
    { "a\xff" "b", 0, "a\\xffb" },
    /* Exactly max fits; one more is cut to max - 1 and an ellipsis. */
    { "abcde", 5, "abcde" },
    { "abcdef", 5, "abcd…" },
    { "abcd\n", 5, "abcd…" },
    { "ééééé", 5, "ééééé" },
    { "éééééé", 5, "éééé…" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = np_terminal_text (cases[i].in, cases[i].max);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
  {
    g_autofree char *long_text = g_strnfill (1000, 'x');
    g_autofree char *out = np_terminal_text (long_text, 0);

    g_assert_cmpuint (g_utf8_strlen (out, -1), ==, NP_TERMINAL_TEXT_MAX_CHARS);
    g_assert_true (g_str_has_suffix (out, "…"));
  }
}

/* Copying a frame beside a plan: never over another file (the copy takes
 * the next free name), a file with the same bytes reused, a file already in
 * the folder left as it is, and a FIFO at the name passed by. */
static void
test_copy_to_folder (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *from_dir = g_build_filename (dir, "from", NULL);
  g_autofree char *to_dir = g_build_filename (dir, "to", NULL);
  g_autofree char *source = g_build_filename (from_dir, "frame.png", NULL);
  g_autofree char *other = g_build_filename (to_dir, "frame.png", NULL);
  g_autofree char *fifo = g_build_filename (to_dir, "frame-2.png", NULL);
  g_autofree char *expected = g_build_filename (to_dir, "frame-3.png", NULL);
  g_autofree char *copy = NULL;
  g_autofree char *again = NULL;
  g_autofree char *in_place = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gboolean created = FALSE;

  g_assert_cmpint (g_mkdir (from_dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (to_dir, 0700), ==, 0);
  g_file_set_contents (source, "the frame's bytes", -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (other, "another image", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);

  copy = np_file_copy_to_folder (source, to_dir, &created, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (copy, ==, expected);
  g_assert_true (created);
  g_file_get_contents (copy, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, "the frame's bytes");
  g_clear_pointer (&contents, g_free);
  g_file_get_contents (other, &contents, NULL, &error);
  g_assert_cmpstr (contents, ==, "another image");

  /* Again: the copy with the same bytes is reused. */
  again = np_file_copy_to_folder (source, to_dir, &created, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, expected);
  g_assert_false (created);

  /* The frame already in the folder is its own copy. */
  in_place = np_file_copy_to_folder (source, from_dir, &created, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (in_place, ==, source);
  g_assert_false (created);

  remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/staged-file/new-file-umask", test_new_file_gets_umask);
  g_test_add_func ("/core/staged-file/replaced-keeps-mode", test_replaced_file_keeps_mode);
  g_test_add_func ("/core/staged-file/refuses-non-regular", test_refuses_what_is_not_a_regular_file);
  g_test_add_func ("/core/staged-file/symlink-target", test_symlink_replaces_its_target);
  g_test_add_func ("/core/staged-file/temporary-names", test_temporary_names);
  g_test_add_func ("/core/staged-file/uncommitted", test_uncommitted_leaves_nothing);
  g_test_add_func ("/core/staged-file/stale-removed", test_stale_temporaries_removed);
  g_test_add_func ("/core/staged-file/long-names", test_long_names);
  g_test_add_func ("/core/staged-file/commit-all", test_commit_all_checks_every_target_first);
  g_test_add_func ("/core/staged-file/same-file", test_same_file);
  g_test_add_func ("/core/staged-file/copy-to-folder", test_copy_to_folder);
  g_test_add_func ("/core/staged-file/unprivileged", test_unprivileged);
  g_test_add_func ("/core/staged-file/root-keeps-owner", test_root_keeps_owner);
  g_test_add_func ("/core/terminal-text/escapes", test_terminal_text);
  return g_test_run ();
}
