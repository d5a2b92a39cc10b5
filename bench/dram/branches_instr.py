"""branches_instr.py FILE ID_BASE ... - wrap every if / while / for condition
in FILE as BR(id, cond), id = ID_BASE + its line, for bench/dram/branches.sh.
Text only (comments, preprocessor lines and lines holding a string are
left alone); run on a scratch copy of the tree, never on the real one."""
import re
import sys

KW = re.compile(r'\b(if|while|for)\s*\(')


def wrap(src, base):
    out, pos = [], 0
    while True:
        m = KW.search(src, pos)
        if not m:
            out.append(src[pos:])
            return ''.join(out)
        line = src[src.rfind('\n', 0, m.start()) + 1:m.start()]
        if line.lstrip().startswith(('*', '/*', '//', '#')) or '"' in line:
            out.append(src[pos:m.end()])
            pos = m.end()
            continue
        depth, j = 1, m.end()
        while depth:
            depth += {'(': 1, ')': -1}.get(src[j], 0)
            j += 1
        inner, ident = src[m.end():j - 1], base + src.count('\n', 0, m.start()) + 1
        if m.group(1) == 'for':
            parts = inner.split(';')
            if len(parts) == 3 and parts[1].strip():
                inner = '%s; BR(%d, %s);%s' % (parts[0], ident, parts[1].strip(), parts[2])
        else:
            inner = 'BR(%d, %s)' % (ident, inner)
        out.append(src[pos:m.end()] + inner + ')')
        pos = j


for path, base in zip(sys.argv[1::2], sys.argv[2::2]):
    with open(path) as f:
        s = f.read()
    with open(path, 'w') as f:
        f.write(wrap(s, int(base)))
