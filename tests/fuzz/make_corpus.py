#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/corpus/{csv,rules,expr} from the
project's fixtures, rule files and tests/bad cases plus hand-made broken
inputs.  (corpus/ledger is made by make_ledgers.sh: it needs the kasan
binary.)  Files are named by the SHA-1 of their content, as libFuzzer does.
Usage: tests/fuzz/make_corpus.py   (from anywhere)"""
import glob
import hashlib
import os
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.join(ROOT, 'tests', 'fuzz', 'corpus')
SEP = b'\n---8<---\n'


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), 'wb') as f:
        f.write(data)


def read(p):
    with open(p, 'rb') as f:
        return f.read()


# ---- csv: every fixture CSV, re-encoded and broken ----
ward = os.path.join(ROOT, 'fixtures', 'sample-ward')
csvs = [os.path.join(ward, 'nurseries.csv')]
csvs += sorted(glob.glob(os.path.join(ward, 'claims', '2025-04', '*.csv')))
csvs += sorted(glob.glob(os.path.join(ward, 'claims', '2025-10', '*.csv')))
for p in csvs:
    b = read(p)
    put('csv', b)
    put('csv', b'\xef\xbb\xbf' + b.replace(b'\n', b'\r\n'))
    try:
        put('csv', b.decode('utf-8').encode('cp932'))
    except UnicodeEncodeError:
        pass
    lines = b.split(b'\n')
    put('csv', b'\n'.join(lines[:3]) + b'\n')
for p in sorted(glob.glob(os.path.join(ward, 'claims', '*', '*.csv'))):
    if '2025-04' not in p and '2025-10' not in p:
        put('csv', read(p)[:400])
CH = b'nursery_id,child_ref,care_types,enrolled_from,enrolled_to\n'
ST = b'nursery_id,staff_ref,qualification,employment,hours,salary_cost,other_income\n'
REG = (b'nursery_id,name,kind,operator,active_from,active_to,bank_name,bank_branch,'
       b'account_type,account_number,account_holder\n')
broken = [
    CH + b'P001,"C1,x",suction,2024-04-01,\n',
    CH + b'P001,"C""1",suction,2024-04-01,\n',
    CH + b'P001,"C1\nsecond line",suction,2024-04-01,\n',
    CH + b'P001,"C1,suction,2024-04-01,\n',
    CH + b'P001,C"1,suction,2024-04-01,\n',
    CH + b'P001,C1,suction,2024-04-01\n',
    CH + b'P001,C1,suction,2024-04-01,,extra\n',
    CH + b'\n\nP001,C1,suction;;ventilator,2024-02-30,\n\n',
    CH + b'P001,C1,laser,2024-04-01,2023-01-01\n',
    CH + b'p-01,C1,suction,2024-4-1,\n',
    b'nursery_id,child_ref\nP001,C1\n',
    b'nursery_id,nursery_id,child_ref,care_types,enrolled_from\n',
    b'',
    b'\n',
    b'\xef\xbb\xbf',
    b'\xff\xfe\x00n\x00u',
    ST + b'P001,S1,nurse,full_time,160,-383000,20000\n',
    ST + b'P001,S1,nurse,part_time,,383000,\n',
    ST + b'P001,S1,nurse,part_time,1e3,38.5,1_000\n',
    ST + b'P001,S1,nurse,contract,160,383000,20000\n',
    ST + b'P001,S1,nurse,full_time,160,' + b'9' * 400 + b',0\n',
    ST + b'P001,S1,nurse,part_time,' + b'1' * 30 + b'.' + b'5' * 30 + b',1,0\n',
    ST + b'P001,S1,nurse,full_time,,9223372036854775807,9223372036854775808\n',
    REG + b'P001,A,private_licensed,X,2000-04-01,,B,C,ordinary,1234567,H\n'
          b'P001,A,private_licensed,X,2000-04-01,,B,C,ordinary,1234567,H\n',
    REG + b'P001,A,ward_run,X,2026-04-01,2000-01-01,B,C,savings,12x,H\n',
    REG + b'\x82\xa0\x82\xa2,A,private_licensed,X,2000-04-01,,B,C,ordinary,1,H\n',
    b'a,' * 5000 + b'a\n',
    b'"' + b'x' * 2000 + b'"\n',
    'nursery_id,child_ref,care_types,enrolled_from,enrolled_to\nP001,子ども,suction,2024-04-01,\n'.encode(),
]
for b in broken:
    put('csv', b)

# ---- rules: every rule file, the whole set, tests/bad cases ----
rule_files = sorted(glob.glob(os.path.join(ROOT, 'rules', '**', '*.yaml'), recursive=True))
programs = [p for p in rule_files if '/terms/' not in p]
for p in rule_files:
    put('rules', read(p))
put('rules', SEP.join(read(p) for p in programs))
put('rules', SEP.join(read(p) for p in programs if 'acceptance_addon' in p))
for case in sorted(glob.glob(os.path.join(ROOT, 'tests', 'bad', '*'))):
    files = sorted(glob.glob(os.path.join(case, '**', '*.yaml'), recursive=True))
    nonterms = [p for p in files if '/terms/' not in p][:4]
    for p in files:
        put('rules', read(p))
    if nonterms:
        put('rules', SEP.join(read(p) for p in nonterms))
put('rules', b'program: p\nversion: &v "1"\ntitle: *v\n')
put('rules', b'a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n')
put('rules', b'program: p\nprogram: q\n')
put('rules', b'[1, 2]\n')
put('rules', b'program: p\n---\nprogram: q\n')
put('rules', b'program: "\\x00"\n')
put('rules', b'values: {a: {b: {c: {d: [[[[[[[[[[]]]]]]]]]]}}}}\n')
# operators files (kind: operators): two versions, a rotation, keys of
# RFC 8032 section 7.1 (public test vectors), and a shared key
OPS = '''kind: operators
version: "%s"
title: t
effective_from: %s
basis: b
operators:
  - id: tanaka
    name: 田中 花子
    post: 主事
    roles: [draft]
    key: %s
    valid_from: 2025-04-01
  - id: sato
    name: 佐藤 一郎
    post: 課長
    roles: [approve, audit]
    key: ed25519:PUAXw+hDiVqStwqnTRt+vJyYLM8uxJaMwM1V8Sr0Zgw=
    valid_from: 2025-04-01
    valid_to: 2026-03-31
'''
K1 = 'ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo='
K3 = 'ed25519:/FHNjmIYoaONpH7QAjDwWAgW7RO6MwOsXeuRFUiQgCU='
put('rules', OPS % ('2025-04', '2025-04-01', K1))
put('rules', (OPS % ('2025-04', '2025-04-01', K1)).encode() + SEP +
    (OPS % ('2025-10', '2025-10-01', K3)).encode())
put('rules', OPS % ('2025-04', '2025-04-01', 'ed25519:PUAXw+hDiVqStwqnTRt+vJyYLM8uxJaMwM1V8Sr0Zgw='))
# issue 23: three versions (a rotation, then tanaka revoked), an operator
# with valid_to and every role, and entries each broken one way (ids that
# differ in case, an unknown and a repeated role, no key, a weak key, a
# key of the wrong length, valid_to before valid_from, a version that ends)
K2 = 'ed25519:PUAXw+hDiVqStwqnTRt+vJyYLM8uxJaMwM1V8Sr0Zgw='
V3 = """kind: operators
version: "2026-04"
title: t
effective_from: 2026-04-01
basis: b
note: tanaka revoked
operators:
  - id: sato
    name: 佐藤 一郎
    post: 課長
    roles: [draft, approve, pay, audit]
    key: %s
    valid_from: 2025-04-01
    valid_to: 2026-09-30
""" % K2
put('rules', (OPS % ('2025-04', '2025-04-01', K1)).encode() + SEP +
    (OPS % ('2025-10', '2025-10-01', K3)).encode() + SEP + V3.encode())
BROKEN = """kind: operators
version: "2025-04"
title: t
effective_from: 2025-04-01
effective_to: 2025-12-31
basis: b
operators:
  - id: tanaka
    name: 田中
    post: 主事
    roles: [draft, draft, pay_out]
    key: %s
    valid_from: 2025-04-01
    valid_to: 2025-03-31
  - id: Tanaka
    name: 田中
    post: 主事
    roles: []
    key: ed25519:AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=
    valid_from: 2025-04-01
  - id: ../x
    name: x
    post: x
    roles: [audit]
    key: ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHUR
    valid_from: 2025-04-01
  - id: kato
    name: 加藤
    post: 係長
    roles: [approve]
    valid_from: 2025-04-01
""" % K1
put('rules', BROKEN)
put('rules', (OPS % ('2025-04', '2025-04-01', K1)).encode() + SEP + BROKEN.encode())

# ---- expr: formulas of the rule files, by scope and type ----
SCOPES = {'values': 0, 'child_values': 1, 'staff_values': 2}
TYPES = ['yen', 'number', 'days', 'text', 'date', 'bool']


def expr(scope, typ, text):
    put('expr', bytes([SCOPES[scope] + 3 * TYPES.index(typ)]) + text.encode())


for p in programs:
    doc = yaml.safe_load(read(p))
    for scope in SCOPES:
        for name, v in (doc.get(scope) or {}).items():
            if 'formula' in v and v.get('type') in TYPES:
                expr(scope, v['type'], v['formula'])
hand = [
    ('values', 'yen', 'sum(children, child_amount) + 30000 yen'),
    ('values', 'number', 'count(children where enrolled_days >= 10)'),
    ('values', 'number', 'count(staff where qualification in ["nurse", "midwife"])'),
    ('values', 'bool', 'any(children, has_any(care_types, high_care)) and not on'),
    ('values', 'bool', 'all(staff, employment == "part_time") or false'),
    ('values', 'yen', 'max(children, child_amount)'),
    ('values', 'yen', 'min(cap, rate * 3, 10_000円)'),
    ('values', 'days', 'days_in_month'),
    ('values', 'date', 'month_start'),
    ('values', 'days', 'overlap_days(start, month_end, month_start, month_end)'),
    ('values', 'yen', 'round_half_up(cap * ratio, 1000)'),
    ('values', 'yen', 'round_up(cap / 3)'),
    ('values', 'text', 'if threshold > 2 then label_text else "x"'),
    ('values', 'date', 'date("2025-04-15")'),
    ('values', 'number', 'count_distinct(staff, staff_ref)'),
    ('child_values', 'days', 'overlap_days(enrolled_from, enrolled_to, month_start, month_end) - grace'),
    ('child_values', 'bool', 'enrolled_to >= month_end and child_ref != "C1"'),
    ('child_values', 'text', 'nursery_id'),
    ('child_values', 'yen', 'unit_by_category["high"] # a comment'),
    ('staff_values', 'yen', 'max(salary_cost - other_income, 0 yen)'),
    ('staff_values', 'number', 'hours * 2.5 / 3'),
    ('staff_values', 'bool', 'employment == "full_time" and hours > 0'),
    ('values', 'yen', '(' * 300 + '1 yen' + ')' * 300),
    ('values', 'number', '9' * 400),
    ('values', 'number', '9223372036854775807 * 9223372036854775807'),
    ('values', 'number', '1 / 0'),
    ('values', 'yen', '"unterminated'),
    ('values', 'yen', 'if if then else'),
    ('values', 'number', '-' * 50 + '1'),
    ('values', 'number', 'min(' + ', '.join(['1'] * 40) + ')'),
]
for h in hand:
    expr(*h)
print('corpus:', {t: len(os.listdir(os.path.join(OUT, t))) for t in sorted(os.listdir(OUT))})
