#!/usr/bin/env python3
# test-plan-schema.py: data/needleplan-plan.schema.json is a valid draft
# 2020-12 schema, accepts docs/plan-example.json and rejects what the C
# reader rejects (TAP)
#
# Copyright 2026 The NeedlePlan authors
#
# SPDX-License-Identifier: GPL-3.0-or-later

import copy
import json
import os
import sys

source = os.environ.get('NP_SOURCE_DIR',
                        os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))

try:
    import jsonschema
except ImportError:
    print('1..0 # SKIP python3-jsonschema is not installed')
    sys.exit(0)

with open(os.path.join(source, 'data', 'needleplan-plan.schema.json')) as f:
    schema = json.load(f)
with open(os.path.join(source, 'docs', 'plan-example.json')) as f:
    example = json.load(f)

count = 0
failed = 0


def report(good, name, detail=''):
    global count, failed
    count += 1
    if good:
        print(f'ok {count} - {name}')
    else:
        failed += 1
        print(f'not ok {count} - {name}')
        if detail:
            print('# ' + detail.replace('\n', '\n# '))


try:
    jsonschema.Draft202012Validator.check_schema(schema)
    report(True, 'the schema is a valid draft 2020-12 schema')
except jsonschema.SchemaError as error:
    report(False, 'the schema is a valid draft 2020-12 schema', str(error))
    print(f'1..{count}')
    sys.exit(1)

validator = jsonschema.Draft202012Validator(schema)
errors = [e.message for e in validator.iter_errors(example)]
report(not errors, 'docs/plan-example.json is valid', '\n'.join(errors))

minimal = {'format': 'needleplan-plan', 'version': 1, 'modality': 'fluoroscopy',
           'site': 'hip', 'frame': {'path': 'a.png'}}
errors = [e.message for e in validator.iter_errors(minimal)]
report(not errors, 'a plan with only the required fields is valid', '\n'.join(errors))


def mutate(path, value):
    """A copy of the example with the member at PATH set to VALUE (None
    deletes it)."""
    doc = copy.deepcopy(example)
    node = doc
    for key in path[:-1]:
        node = node[key]
    if value is None:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return doc


bad = [
    ('a target that is text', ('marks', 'target'), 'here'),
    ('a target with three numbers', ('marks', 'target'), [1, 2, 3]),
    ('a missing site', ('site',), None),
    ('a missing frame', ('frame',), None),
    ('a coordinate beyond 1e6 px', ('marks', 'target'), [2000000, 2]),
    ('a negative margin', ('marks', 'structures', 0, 'margin_mm'), -2),
    ('an unknown site', ('site',), 'elbow'),
    ('an unknown structure kind', ('marks', 'structures', 0, 'kind'), 'organ'),
    ('an unknown format', ('format',), 'photoshop'),
    ('a newer version', ('version',), 3),
    ('an unknown field', ('marks', 'trget'), [1, 2]),
    ('a speed of sound of 5 m/s', ('physics', 'speed_of_sound_m_s'), 5),
    ('an absolute frame path', ('frame', 'path'), '/etc/passwd'),
    ('a DICOM frame number 0', ('frame', 'dicom'), {'sop_instance_uid': '1.2', 'frame_number': 0}),
    ('a redaction with a negative width', ('redactions',), [[0, 0, -5, 10]]),
    ('a short SHA-256', ('frame', 'sha256'), 'abc'),
    ('a zero pixel size for a calibrated method', ('calibration', 'mm_per_px'), [0, 0]),
    ('a distance with one point', ('marks', 'measurements', 0, 'points'), [[0, 0]]),
    ('an ellipse without radii', ('marks', 'structures', 1, 'points'), [[10, 10]]),
    ('an ellipse with a zero radius', ('marks', 'structures', 1, 'points'), [[10, 10], [0, 5]]),
    ('a region with a negative width', ('calibration', 'region'), [0, 0, -5, 10]),
    ('results that are a list', ('results',), [1, 2]),
]
for name, path, value in bad:
    doc = mutate(path, value)
    report(not validator.is_valid(doc), f'rejects {name}')

# Version 1 files still validate, without version 2's members and with
# their frame in the plan's folder or below.
version_1 = copy.deepcopy(example)
version_1['version'] = 1
for key in ('absolute_path', 'dicom'):
    version_1['frame'].pop(key, None)
version_1.pop('redactions', None)
version_1['physics'].pop('speed_of_sound_sd_m_s', None)
errors = [e.message for e in validator.iter_errors(version_1)]
report(not errors, 'a version 1 plan is valid', '\n'.join(errors))
for name, change in [
        ('a version 1 frame path with ..', lambda d: d['frame'].update(path='cases/../../s.png')),
        ('a version 1 plan with redactions', lambda d: d.update(redactions=[])),
        ('a version 1 plan with a DICOM source',
         lambda d: d['frame'].update(dicom={'sop_instance_uid': '1.2', 'frame_number': 1}))]:
    doc = copy.deepcopy(version_1)
    change(doc)
    report(not validator.is_valid(doc), f'rejects {name}')
v2_up = copy.deepcopy(example)
v2_up['frame']['path'] = '../frames/knee-us.png'
errors = [e.message for e in validator.iter_errors(v2_up)]
report(not errors, 'a version 2 frame path with .. is valid', '\n'.join(errors))

# Version 2 fluoroscopy: the view's cone-beam geometry and its pair.
fluoro = copy.deepcopy(example)
fluoro['modality'] = 'fluoroscopy'
fluoro['fluoroscopy'] = {
    'geometry': {'sid_mm': 1000, 'sod_mm': 725, 'detector_pixel_mm': [0.3, 0.3],
                 'central_ray': [400, 300]},
    'second_view': {'plan': '../hip-fluoro-01-lateral/plan.json', 'angle_deg': 90,
                    'mirrored': False}}
errors = [e.message for e in validator.iter_errors(fluoro)]
report(not errors, 'a fluoroscopy plan with geometry and a second view is valid',
       '\n'.join(errors))
for name, change in [
        ('a geometry without its central ray',
         lambda d: d['fluoroscopy']['geometry'].pop('central_ray')),
        ('a zero detector pixel',
         lambda d: d['fluoroscopy']['geometry'].update(detector_pixel_mm=[0, 0.3])),
        ('an absolute second-view path',
         lambda d: d['fluoroscopy']['second_view'].update(plan='/x/lat.json')),
        ('a second view at 270 degrees',
         lambda d: d['fluoroscopy']['second_view'].update(angle_deg=270)),
        ('a version 1 plan with fluoroscopy members',
         lambda d: d.update(fluoroscopy=fluoro['fluoroscopy'], modality='fluoroscopy'))]:
    doc = copy.deepcopy(version_1 if 'version 1' in name else fluoro)
    change(doc)
    report(not validator.is_valid(doc), f'rejects {name}')

print(f'1..{count}')
sys.exit(1 if failed else 0)
