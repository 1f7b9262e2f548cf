/* np-launch-timer.c — time from exec until a window naming a file is shown
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: np-launch-timer TITLE-PART TIMEOUT-MS COMMAND [ARG...]
 *
 * Starts COMMAND in a process group of its own, watches the X display in
 * $DISPLAY every millisecond for a viewable top-level window whose title
 * contains TITLE-PART and whose centre shows image detail (a 64 × 64 patch
 * with at least 64 distinct pixel values: speckle, not a plain background,
 * a spinner or a line of text), prints the milliseconds from the fork to
 * that moment, then ends the whole group and waits until its windows are
 * gone. One X connection polled in a loop: a fresh `xdotool search` per
 * look costs tens of milliseconds and would round every launch up to its
 * own pace.
 */

#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>

#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
sleep_ms (double ms)
{
  struct timespec ts = { (time_t) (ms / 1000), (long) (ms * 1e6) % 1000000000L };

  nanosleep (&ts, NULL);
}

/* Windows vanish while we look at them: their errors are expected. */
static int
ignore_x_error (Display *display, XErrorEvent *event)
{
  (void) display;
  (void) event;
  return 0;
}

static bool
title_contains (Display *display, Window window, Atom net_wm_name, Atom utf8, const char *part)
{
  Atom type;
  int format;
  unsigned long count, after;
  unsigned char *data = NULL;
  char *name = NULL;
  bool found = false;

  if (XGetWindowProperty (display, window, net_wm_name, 0, 1024, False, utf8, &type, &format,
                          &count, &after, &data) == Success && data != NULL)
    {
      found = strstr ((const char *) data, part) != NULL;
      XFree (data);
      if (found)
        return true;
    }

  if (XFetchName (display, window, &name) && name != NULL)
    {
      found = strstr (name, part) != NULL;
      XFree (name);
    }
  return found;
}

#define PATCH 64
#define MIN_DISTINCT 64

/* The title can change before the new frame is painted: only pixels say
 * that the frame is on the screen. */
static bool
shows_detail (Display *display, Window window)
{
  XWindowAttributes attributes;
  XImage *image;
  unsigned long seen[MIN_DISTINCT];
  int n_seen = 0;

  if (!XGetWindowAttributes (display, window, &attributes) ||
      attributes.width < PATCH || attributes.height < PATCH)
    return false;
  image = XGetImage (display, window, (attributes.width - PATCH) / 2,
                     (attributes.height - PATCH) / 2, PATCH, PATCH, AllPlanes, ZPixmap);
  if (image == NULL)
    return false;
  for (int y = 0; y < PATCH && n_seen < MIN_DISTINCT; y++)
    for (int x = 0; x < PATCH && n_seen < MIN_DISTINCT; x++)
      {
        unsigned long pixel = XGetPixel (image, x, y);
        int i = 0;

        while (i < n_seen && seen[i] != pixel)
          i++;
        if (i == n_seen)
          seen[n_seen++] = pixel;
      }
  XDestroyImage (image);
  return n_seen >= MIN_DISTINCT;
}

/* Without a window manager, top-level windows are children of the root. */
static bool
window_shown (Display *display, const char *part, bool with_frame)
{
  Window root = DefaultRootWindow (display), parent, *children = NULL;
  unsigned int n_children = 0;
  Atom net_wm_name = XInternAtom (display, "_NET_WM_NAME", False);
  Atom utf8 = XInternAtom (display, "UTF8_STRING", False);
  bool found = false;

  if (!XQueryTree (display, root, &root, &parent, &children, &n_children))
    return false;
  for (unsigned int i = 0; i < n_children && !found; i++)
    {
      XWindowAttributes attributes;

      if (with_frame && (!XGetWindowAttributes (display, children[i], &attributes) ||
                            attributes.map_state != IsViewable))
        continue;
      found = title_contains (display, children[i], net_wm_name, utf8, part) &&
              (!with_frame || shows_detail (display, children[i]));
    }
  if (children != NULL)
    XFree (children);
  return found;
}

int
main (int argc, char *argv[])
{
  const char *part;
  double timeout, start, elapsed = -1;
  Display *display;
  pid_t child;

  if (argc < 4)
    {
      fprintf (stderr, "usage: %s TITLE-PART TIMEOUT-MS COMMAND [ARG...]\n", argv[0]);
      return 2;
    }
  part = argv[1];
  timeout = strtod (argv[2], NULL);

  display = XOpenDisplay (NULL);
  if (display == NULL)
    {
      fprintf (stderr, "%s: cannot open the X display\n", argv[0]);
      return 1;
    }
  XSetErrorHandler (ignore_x_error);
  if (window_shown (display, part, false))
    {
      fprintf (stderr, "%s: a window named “%s” is already there\n", argv[0], part);
      return 1;
    }

  start = now_ms ();
  child = fork ();
  if (child < 0)
    {
      perror ("fork");
      return 1;
    }
  if (child == 0)
    {
      int null = open ("/dev/null", O_WRONLY);

      /* The viewers' start-up chatter (D-Bus, GTK) is not the benchmark's. */
      if (null >= 0)
        {
          dup2 (null, STDOUT_FILENO);
          dup2 (null, STDERR_FILENO);
        }
      setsid ();
      execvp (argv[3], argv + 3);
      _exit (127);
    }

  while (now_ms () - start < timeout)
    {
      if (window_shown (display, part, true))
        {
          elapsed = now_ms () - start;
          break;
        }
      if (waitpid (child, NULL, WNOHANG) == child)
        {
          child = 0;
          break;
        }
      sleep_ms (1);
    }

  /* End the whole group (dbus-run-session and the viewer it started), then
   * wait until its windows are gone, so the next launch finds only its own. */
  if (child > 0)
    {
      kill (-child, SIGTERM);
      waitpid (child, NULL, 0);
    }
  for (int i = 0; i < 500 && window_shown (display, part, false); i++)
    sleep_ms (10);
  XCloseDisplay (display);

  if (elapsed < 0)
    {
      fprintf (stderr, "%s: no window named “%s” within %.0f ms\n", argv[0], part, timeout);
      return 1;
    }
  printf ("%.1f\n", elapsed);
  return 0;
}
