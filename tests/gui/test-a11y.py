#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The real window through the accessibility bus (AT-SPI), as a screen reader
sees it: every button and tool has a name, the canvas describes the plan, the
results are read as sentences, and a plan made with the keyboard alone reaches
the depth of the bundled case's mouse-made plan.

Run under a private session bus and a display, as meson does:
  dbus-run-session -- test-a11y.py APP SOURCE_DIR BUILD_DIR        (TAP)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

TESTS = 4
CASE = 'knee-us-01'


def plan_all(reason):
    print('1..%d # SKIP %s' % (TESTS, reason))
    sys.exit(0)


def wait_for(what, condition, timeout=90.0):
    """Polls @condition (no timed assertion: a generous bound for a hung app)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError('gave up waiting for ' + what)


def walk(node, depth=0):
    if node is None or depth > 60:
        return
    yield node
    try:
        count = node.childCount
    except Exception:
        return
    for i in range(count):
        try:
            child = node.getChildAtIndex(i)
        except Exception:
            continue
        yield from walk(child, depth + 1)


def main():
    if len(sys.argv) != 4:
        sys.exit('usage: test-a11y.py APP SOURCE_DIR BUILD_DIR')
    app_path, source_dir, build_dir = sys.argv[1:]
    if not os.environ.get('DISPLAY'):
        plan_all('no display (tools/test runs the gui suite under xvfb-run)')
    if not os.environ.get('DBUS_SESSION_BUS_ADDRESS'):
        plan_all('no session bus (meson runs this test under dbus-run-session)')
    if shutil.which('xdotool') is None:
        plan_all('xdotool is not installed (tools/deps.sh test set)')
    try:
        import gi
        gi.require_version('Atspi', '2.0')
        import pyatspi
    except (ImportError, ValueError) as error:
        plan_all('pyatspi is missing (apt install python3-pyatspi): %s' % error)

    tmp = tempfile.mkdtemp(prefix='needleplan-a11y-')
    app = None
    try:
        case = os.path.join(source_dir, 'data', 'cases', CASE)
        shutil.copy(os.path.join(case, 'frame.png'), tmp)
        with open(os.path.join(case, 'plan.json'), encoding='utf-8') as f:
            plan = json.load(f)
        mouse_target = plan['marks']['target']
        # The keyboard plan starts without the target and entry the mouse put there.
        del plan['marks']['target']
        del plan['marks']['entry']
        plan_path = os.path.join(tmp, 'plan.json')
        with open(plan_path, 'w', encoding='utf-8') as f:
            json.dump(plan, f)

        env = dict(os.environ)
        for name in ('GTK_A11Y', 'NO_AT_BRIDGE'):
            env.pop(name, None)
        env.update({
            'GSETTINGS_BACKEND': 'memory',
            'GSETTINGS_SCHEMA_DIR': os.path.join(build_dir, 'data'),
            'GSK_RENDERER': 'cairo',
            'GDK_DEBUG': 'gl-disable',
            'LC_ALL': 'C.UTF-8',
            'LANGUAGE': '',
        })
        for name in ('XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_STATE_HOME'):
            env[name] = os.path.join(tmp, name)
            os.makedirs(env[name])
        app = subprocess.Popen([app_path, plan_path], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)

        desktop = pyatspi.Registry.getDesktop(0)

        def find_app():
            for i in range(desktop.childCount):
                child = desktop.getChildAtIndex(i)
                if child is not None and 'needleplan' in (child.name or '').lower():
                    return child
            return None

        try:
            application = wait_for('the application on the accessibility bus', find_app, 60)
        except AssertionError:
            plan_all('the application never appeared on the accessibility bus')

        def find_canvas():
            for node in walk(application):
                if node.getRole() == pyatspi.ROLE_IMAGE and node.name == 'Frame' and \
                   'to avoid' in (node.description or ''):
                    return node
            return None

        canvas = wait_for('the canvas and its description', find_canvas)
        print('1..%d' % TESTS)

        # 1. Every button, toggle button and field that is visible has a name.
        unnamed = []
        roles = (pyatspi.ROLE_PUSH_BUTTON, pyatspi.ROLE_TOGGLE_BUTTON, pyatspi.ROLE_SPIN_BUTTON,
                 pyatspi.ROLE_TEXT, pyatspi.ROLE_COMBO_BOX, pyatspi.ROLE_SLIDER,
                 pyatspi.ROLE_CHECK_BOX)
        buttons = 0
        for node in walk(application):
            try:
                role = node.getRole()
                # GTK 4.8 sets VISIBLE (not SHOWING) on what is shown.
                showing = node.getState().contains(pyatspi.STATE_VISIBLE)
            except Exception as error:
                print('# cannot read a node: %s' % error)
                continue
            if role in roles and showing:
                buttons += 1
                if not (node.name or '').strip():
                    unnamed.append('%s under %s' % (node.getRoleName(),
                                                    node.parent.name if node.parent else '?'))
        ok = buttons >= 10 and not unnamed
        print('%s 1 - names on all %d buttons, tools and fields%s' % (
            'ok' if ok else 'not ok', buttons, '' if ok else ': unnamed ' + ', '.join(unnamed)))

        # 2. The canvas describes the plan: no target yet, the structures.
        description = canvas.description
        ok = 'No target marked' in description and 'structures to avoid' in description
        print('%s 2 - the canvas describes the plan: %r' % ('ok' if ok else 'not ok', description))

        # 3. A keyboard-only plan. The cursor starts in the middle of the
        # 800 × 600 frame, (400, 300); the mouse put the target at
        # (328.24, 293.6): 72 left (7 × Shift+Left, 2 × Left) and 6 up reach
        # (328, 294). The skin line runs at y = 44 and the frame declares
        # 1/12 mm per pixel: depth (294 − 44) / 12 = 20.83 mm, shown 20.8, as
        # (293.6 − 44) / 12 = 20.80 mm of the mouse-made plan.
        window = subprocess.run(['xdotool', 'search', '--sync', '--onlyvisible', '--name',
                                 'NeedlePlan'], capture_output=True, text=True, timeout=60)
        wid = window.stdout.split()[0]
        try:
            canvas.queryComponent().grabFocus()
        except Exception:
            pass

        def keys(*names):
            subprocess.run(['xdotool', 'key', '--window', wid, '--delay', '30'] + list(names),
                           check=True, timeout=120)

        keys('t')
        keys(*(['shift+Left'] * 7 + ['Left'] * 2 + ['Up'] * 6 + ['Return']))

        def depth_row():
            for node in walk(application):
                if (node.name or '').startswith('Target depth, ') and \
                   'millimetres' in node.name:
                    return node.name
            return None

        depth = wait_for('the depth of the keyboard plan', depth_row)
        described = wait_for('the description to name the target',
                             lambda: 'Target at 328, 294 px' in (canvas.description or '') and
                             canvas.description)
        # The entry, on the skin line, also by keys: 8 × Shift+Left, 25 × Shift+Up.
        keys('e')
        keys(*(['shift+Left'] * 8 + ['shift+Up'] * 25 + ['Return']))
        with_entry = wait_for('the entry in the description',
                              lambda: 'Entry at' in (canvas.description or '') and
                              'No entry marked' not in canvas.description and canvas.description)
        expected = 'Target depth, %.1f millimetres' % ((294 - 44) / 12)
        mouse = 'Target depth, %.1f millimetres' % ((mouse_target[1] - 44) / 12)
        ok = depth.startswith(expected) and expected == mouse and 'Target depth 20.8 mm' in with_entry
        print('%s 3 - keyboard-only plan: %r, as the mouse-made plan (%s); %r' % (
            'ok' if ok else 'not ok', depth, mouse, described))

        # 4. The result reads as a sentence with its unit and interval.
        def depth_with_interval():
            name = depth_row()
            return name if name and '95 % interval' in name and ' to ' in name else None

        sentence = wait_for('the depth interval', depth_with_interval)
        ok = sentence.startswith('Target depth, 20.8 millimetres, 95 % interval ')
        print('%s 4 - results read as one sentence: %r' % ('ok' if ok else 'not ok', sentence))
    finally:
        if app is not None:
            app.kill()
            app.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
