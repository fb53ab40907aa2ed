#!/usr/bin/python3
"""render_notebook.py — a lab (notebooks-c/NAME.c) and its run as a Jupyter notebook.

    render_notebook.py build LAB.c LAB.out PLOTDIR OUT.ipynb
    render_notebook.py readme OUT.md LABS_README.md NAME...
    render_notebook.py text NB.ipynb
    render_notebook.py check NB.ipynb LAB.c [--html NB.html] [--part cells|outputs|html]...

`build` writes the notebook (nbformat 4 through Debian's python3-nbformat, validated
before it is written): one markdown cell per `// %% [markdown]` cell of LAB.c (the
`//` stripped), one code cell per `// %%` cell (its common indentation removed,
as for the cells inside ch03's main()), and a short note after the title
saying where the notebook comes from. LAB.out is what the lab printed (stdout) in
its quick run; its plots are in PLOTDIR. The notebook's language is C
(`language_info`, no kernelspec: there is no C kernel to run the cells, and
GitHub, JupyterLab, VS Code and nbconvert all take the cells' language from
`language_info.name`).

Where the output goes. A line "== TITLE ==" starts the output of the section
whose "## " heading has that TITLE (matched by a leading number, "== 2. x =="
with "## 2. Something", else by the text, case and spaces ignored, as
render.sh has always matched them). That output becomes the stream output
(stdout) of one code cell:
  1. the cell that prints the marker (its source holds the text "== TITLE =="),
     when that cell is in the marker's section;
  2. else the section's last code cell (a lab whose main() at the end prints
     every section's marker gets each section's output under that section's
     own code, not all of it under main());
  3. else, for a section without code, the last code cell before the section
     (so the output stands just above the section's text), or the first code
     cell when there is none before it.
A marker that matches no section goes to the cell that prints it, else to the
last code cell; output before the first marker (labs should print none) goes
to the last code cell of the introduction, else the first code cell. Both
print a warning. Marker lines are not shown. Blank lines at either end of a
section's output are not shown. A line "[plot] FILE" becomes an image/png
display_data output (FILE from PLOTDIR, base64-embedded; image/svg+xml for an
.svg) with text/plain "[plot] FILE". execution_count is null everywhere: the
cells were not run one by one in a kernel; the program ran as a whole.

Each code cell with output records in its metadata, under "dlfs2", what it
holds: [{"seq": i, "marker": "== TITLE ==" or null, "outputs": n, "blank":
[leading, trailing]}], so `text` rebuilds the lab's output exactly as printed,
markers and blank lines included, from the outputs the reader sees;
tests/test_rendered_notebooks.sh compares that text with expected/NAME.txt.

`readme` writes the list of the notebooks NAME.ipynb beside OUT.md in the order
given (that of lab_names), each with its title (the lab's "# " heading) and its
textbook section from the lab table of LABS_README.md (notebooks-c/README.md).

`check` prints one line per problem and exits 1 if there is any:
  cells    the notebook validates (nbformat.validate) and its cells are LAB.c's
           current cells;
  outputs  every section that printed something has its output on the cell the
           rules above name, the outputs are what the metadata says, and every
           [plot] line has an embedded image that decodes (PNG: signature,
           chunk CRCs, IHDR, and the IDAT data inflating to the size IHDR says);
  html     NB.html exists and shows this notebook: its title, every stream
           line and every image of the notebook.
Exit status: 0 ok, 1 a problem or an unreadable file, 2 usage error.
"""
import base64
import html
import os
import re
import struct
import sys
import textwrap
import zlib

try:
    import nbformat
    from nbformat.v4 import (new_code_cell, new_markdown_cell, new_notebook,
                             new_output)
except ImportError:  # render.sh and the tests check for nbformat first
    sys.stderr.write("dlfs2: render_notebook.py needs nbformat "
                     "(Debian: apt-get install python3-nbformat; run it with /usr/bin/python3)\n")
    sys.exit(1)

CELL_MARKDOWN = re.compile(r'^[ \t]*// %% \[markdown\]')
CELL_CODE = re.compile(r'^[ \t]*// %%')
MARKER = re.compile(r'^== (.*) ==$')
PLOT = re.compile(r'^\[plot\] (.+)$')
PNG_SIGNATURE = b'\x89PNG\r\n\x1a\n'
NOTE = ("*Generated from [`notebooks-c/{name}.c`](../notebooks-c/{name}.c), the lab's source, "
        "with the output and plots of its quick run (`./build/notebooks-c/{name}`). "
        "The code cells are C and do not run here: build the lab and run it "
        "([notebooks-c/README.md](../notebooks-c/README.md)).*")


class Problem(Exception):
    """A file that cannot be read or used: the message says which and why."""


def section_key(title):
    """The key a heading and a marker are matched by: a leading "N.", else the
    text in lower case with its spaces collapsed."""
    t = ' '.join(title.lower().split())
    m = re.match(r'^[0-9]+\.', t)
    return m.group(0) if m else t


def trim(lines):
    """(lines without blank lines at either end, leading blanks, trailing blanks)."""
    lo, hi = 0, len(lines)
    while lo < hi and not lines[lo].strip():
        lo += 1
    while hi > lo and not lines[hi - 1].strip():
        hi -= 1
    return lines[lo:hi], lo, len(lines) - hi


def split_lines(text):
    """Lines of a text file, without their newlines ("a\\nb\\n" -> ["a", "b"])."""
    lines = text.split('\n')
    if lines and lines[-1] == '':
        lines.pop()
    return lines


def read_text(path):
    try:
        with open(path, encoding='utf-8') as f:
            return f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise Problem(f"{path}: {e.strerror if isinstance(e, OSError) else e}") from e


class Lab:
    """A lab's cells and sections, read from its percent-format source.

    cells: [(kind, source)] with kind "markdown" or "code", sources without blank
    lines at either end; sections: {key: (first cell index, [code cell indices])};
    code_section[i]: the key of code cell i's section ("" for the introduction)."""

    def __init__(self, path):
        self.path = path
        self.name = os.path.splitext(os.path.basename(path))[0]
        self.cells = []
        kind, lines = None, []
        for line in split_lines(read_text(path)):
            if CELL_MARKDOWN.match(line) or CELL_CODE.match(line):
                self._add(kind or 'code', lines)
                kind = 'markdown' if CELL_MARKDOWN.match(line) else 'code'
                lines = []
            elif kind == 'markdown':
                lines.append(re.sub(r'^[ \t]*// ?', '', line))
            else:
                lines.append(line)
        self._add(kind or 'code', lines)

        self.title = self.name
        self.sections = {'': (0, [])}
        self.code_section = {}
        section, fenced = '', False
        for i, (kind, source) in enumerate(self.cells):
            if kind == 'code':
                self.code_section[i] = section
                self.sections[section][1].append(i)
                continue
            for line in source.split('\n'):
                if line.startswith('```'):
                    fenced = not fenced
                elif not fenced and line.startswith('# ') and self.title == self.name:
                    self.title = line[2:].strip()
                elif not fenced and line.startswith('## '):
                    section = section_key(line[3:])
                    self.sections.setdefault(section, (i, []))

    def _add(self, kind, lines):
        lines, _, _ = trim(lines)
        if lines:
            # a code cell inside a function (ch03's main) loses its common
            # indentation: nbconvert's page would drop its first line's only
            text = '\n'.join(lines)
            self.cells.append((kind, textwrap.dedent(text) if kind == 'code' else text))

    def code_cells(self):
        return [i for i, (kind, _) in enumerate(self.cells) if kind == 'code']

    def target(self, marker):
        """(index of the code cell that gets the output after marker, warning or None);
        marker is the "== TITLE ==" line, or None for output before the first marker."""
        code = self.code_cells()
        if not code:
            raise Problem(f"{self.path}: no code cell to put the output in")
        if marker is None:
            intro = self.sections[''][1]
            return (intro[-1] if intro else code[0]), "output before the first marker"
        printers = [i for i in code if marker in self.cells[i][1]]
        key = section_key(MARKER.match(marker).group(1))
        if key not in self.sections or key == '':
            cell = printers[0] if printers else code[-1]
            return cell, f"'{marker}' matches no '## ' heading"
        first, own = self.sections[key]
        for i in printers:
            if self.code_section[i] == key:
                return i, None
        if own:
            return own[-1], None
        before = [i for i in code if i < first]
        return (before[-1] if before else code[0]), None


def read_chunks(text):
    """The lab's output split at its markers: [(marker or None, [lines])], the
    output before the first marker (if any) first."""
    chunks = [(None, [])]
    for line in split_lines(text):
        if MARKER.match(line):
            chunks.append((line, []))
        else:
            chunks[-1][1].append(line)
    if not chunks[0][1]:
        chunks.pop(0)
    return chunks


def image_output(plotdir, file):
    path = os.path.join(plotdir, file)
    try:
        with open(path, 'rb') as f:
            data = f.read()
    except OSError as e:
        raise Problem(f"{path}: {e.strerror} (the lab printed '[plot] {file}')") from e
    if file.endswith('.svg'):
        mime, payload = 'image/svg+xml', data.decode('utf-8', 'replace')
    else:
        problem = png_problem(data)
        if problem:
            raise Problem(f"{path}: {problem}")
        mime, payload = 'image/png', base64.b64encode(data).decode('ascii')
    return new_output('display_data', data={mime: payload, 'text/plain': f'[plot] {file}'})


def build(source, out_path, plotdir, nb_path):
    lab = Lab(source)
    cells = []
    for i, (kind, src) in enumerate(lab.cells):
        cell = new_markdown_cell(src) if kind == 'markdown' else new_code_cell(src)
        cell['id'] = f'cell-{i:02d}'
        cells.append(cell)
    for seq, (marker, lines) in enumerate(read_chunks(read_text(out_path))):
        i, warning = lab.target(marker)
        if warning:
            sys.stderr.write(f"dlfs2: {lab.name}: {warning}; its output goes to code cell {i}\n")
        shown, lead, trail = trim(lines)
        outputs, text = [], []
        for line in shown + [None]:
            plot = PLOT.match(line) if line is not None else None
            if (line is None or plot) and text:
                outputs.append(new_output('stream', name='stdout', text='\n'.join(text) + '\n'))
                text = []
            if plot:
                outputs.append(image_output(plotdir, plot.group(1)))
            elif line is not None:
                text.append(line)
        cells[i]['outputs'].extend(outputs)
        cells[i]['metadata'].setdefault('dlfs2', []).append(
            {'seq': seq, 'marker': marker, 'outputs': len(outputs), 'blank': [lead, trail]})
    note = new_markdown_cell(NOTE.format(name=lab.name), metadata={'dlfs2': 'note'})
    note['id'] = 'note'
    at = 1 if cells and cells[0]['cell_type'] == 'markdown' else 0
    cells.insert(at, note)
    nb = new_notebook(cells=cells, metadata={
        'title': lab.title,
        'language_info': {'name': 'c', 'file_extension': '.c', 'mimetype': 'text/x-csrc',
                          'codemirror_mode': 'text/x-csrc', 'pygments_lexer': 'c'},
    })
    nbformat.validate(nb)
    tmp = nb_path + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        nbformat.write(nb, f)
    os.replace(tmp, nb_path)


def read_notebook(path):
    try:
        with open(path, encoding='utf-8') as f:
            return nbformat.read(f, as_version=nbformat.NO_CONVERT)
    except OSError as e:
        raise Problem(f"{path}: {e.strerror}") from e
    except Exception as e:  # not JSON, not a notebook
        raise Problem(f"{path}: not a notebook: {e}") from e


def output_lines(output):
    """The lines a stream or plot output stands for in the lab's printed output."""
    if output.get('output_type') == 'stream':
        return split_lines(output.get('text', ''))
    return split_lines(output.get('data', {}).get('text/plain', ''))


def chunks_of(nb):
    """[(seq, marker, lines, cell index)] from the notebook's outputs and their
    "dlfs2" metadata, in the order the lab printed them; raises Problem where the
    outputs are not what the metadata says."""
    chunks = []
    for i, cell in enumerate(nb.cells):
        if cell.get('cell_type') != 'code':
            continue
        outputs = list(cell.get('outputs', []))
        records = cell.get('metadata', {}).get('dlfs2', [])
        at = 0
        for r in records:
            try:
                n, (lead, trail), _, _ = int(r['outputs']), r['blank'], r['seq'], r['marker']
            except (KeyError, TypeError, ValueError) as e:
                raise Problem(f"cell {i}: a malformed dlfs2 metadata record {r!r}") from e
            if at + n > len(outputs):
                raise Problem(f"cell {i}: the metadata names {at + n} outputs, the cell has {len(outputs)}")
            lines = [''] * lead
            for o in outputs[at:at + n]:
                lines += output_lines(o)
            lines += [''] * trail
            chunks.append((r['seq'], r['marker'], lines, i))
            at += n
        if at != len(outputs):
            raise Problem(f"cell {i}: {len(outputs) - at} outputs that no metadata record names")
    chunks.sort(key=lambda c: c[0])
    if [c[0] for c in chunks] != list(range(len(chunks))):
        raise Problem("the outputs' sequence numbers are not 0, 1, 2, ...")
    return chunks


def text_of(nb):
    out = []
    for _, marker, lines, _ in chunks_of(nb):
        if marker is not None:
            out.append(marker)
        out += lines
    return ''.join(line + '\n' for line in out)


def png_problem(data):
    """None if data is a PNG that decodes, else what is wrong with it."""
    if not data.startswith(PNG_SIGNATURE):
        return "not a PNG (no PNG signature)"
    at, chunks = len(PNG_SIGNATURE), []
    while at + 12 <= len(data):
        length, kind = struct.unpack('>I4s', data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        if len(body) != length or at + 12 + length > len(data):
            return f"chunk {kind!r} cut short"
        crc, = struct.unpack('>I', data[at + 8 + length:at + 12 + length])
        if zlib.crc32(kind + body) != crc:
            return f"chunk {kind!r}: bad CRC"
        chunks.append((kind, body))
        at += 12 + length
    if not chunks or chunks[0][0] != b'IHDR' or chunks[-1][0] != b'IEND' or len(chunks[0][1]) != 13:
        return "no IHDR first or no IEND last"
    w, h, depth, color, _, _, interlace = struct.unpack('>IIBBBBB', chunks[0][1])
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}.get(color)
    if w == 0 or h == 0 or channels is None:
        return f"IHDR: {w} x {h}, colour type {color}"
    try:
        pixels = zlib.decompress(b''.join(body for kind, body in chunks if kind == b'IDAT'))
    except zlib.error as e:
        return f"IDAT does not inflate: {e}"
    if interlace == 0 and len(pixels) != h * (1 + (w * depth * channels + 7) // 8):
        return f"IDAT inflates to {len(pixels)} bytes, not {w} x {h} pixels"
    return None


def check_cells(nb, lab):
    problems = []
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as e:
        problems.append(f"nbformat.validate: {e.message}")
    got = [(c.get('cell_type'), c.get('source')) for c in nb.cells
           if c.get('metadata', {}).get('dlfs2') != 'note']
    for i, (want, have) in enumerate(zip(lab.cells, got)):
        if want != have:
            problems.append(f"cell {i} is not the lab's {want[0]} cell {i} "
                            f"(starts {have[1][:40]!r}, the lab's {want[1][:40]!r})")
            break
    if len(got) != len(lab.cells):
        problems.append(f"{len(got)} cells, the lab has {len(lab.cells)}")
    if nb.metadata.get('language_info', {}).get('name') != 'c':
        problems.append("language_info.name is not 'c'")
    return problems


def check_outputs(nb, lab):
    problems = []
    try:
        chunks = chunks_of(nb)
    except Problem as e:
        return [f"outputs: {e}"]
    # the notebook's cells are the lab's, with the note cell added
    lab_index = {}
    for i, c in enumerate(nb.cells):
        if c.get('metadata', {}).get('dlfs2') != 'note':
            lab_index[i] = len(lab_index)
    for seq, marker, lines, cell in chunks:
        where = marker or 'the output before the first marker'
        want, _ = lab.target(marker)
        if lab_index.get(cell) != want:
            problems.append(f"{where}: on the lab's cell {lab_index.get(cell)}, not on cell {want}")
        if trim(lines)[0] and not nb.cells[cell].get('outputs'):
            problems.append(f"{where}: the cell that prints it has no output")
    for i, cell in enumerate(nb.cells):
        for o in cell.get('outputs', []) if cell.get('cell_type') == 'code' else []:
            if o.get('output_type') != 'display_data':
                continue
            data = o.get('data', {})
            file = data.get('text/plain', '?')
            if 'image/png' in data:
                try:
                    problem = png_problem(base64.b64decode(data['image/png'], validate=True))
                except (ValueError, TypeError) as e:
                    problem = f"not base64: {e}"
                if problem:
                    problems.append(f"cell {i}, {file}: {problem}")
            elif 'image/svg+xml' not in data:
                problems.append(f"cell {i}, {file}: no image/png")
    plots = [line for _, _, lines, _ in chunks for line in lines if PLOT.match(line)]
    images = [o for c in nb.cells for o in c.get('outputs', []) if o.get('output_type') == 'display_data']
    if len(plots) != len(images):
        problems.append(f"{len(plots)} [plot] lines, {len(images)} images")
    return problems


def check_html(nb, path):
    try:
        page = read_text(path)
    except Problem as e:
        return [str(e)]
    problems = []
    title = nb.metadata.get('title', '')
    text = html.unescape(page)   # the text as a browser shows it ("&#39;" is "'")
    if f'<title>{title}</title>' not in text:
        problems.append(f"no <title>{title}</title>")
    for i, cell in enumerate(nb.cells):
        for o in cell.get('outputs', []) if cell.get('cell_type') == 'code' else []:
            if o.get('output_type') == 'stream':
                missing = [line for line in split_lines(o['text'])
                           if line.strip() and line not in text]
                if missing:
                    problems.append(f"cell {i}: the page lacks the output line {missing[0]!r}")
                    break
            elif 'image/png' in o.get('data', {}):
                if 'data:image/png;base64,' + o['data']['image/png'] not in page:
                    problems.append(f"cell {i}: the page lacks the image {o['data'].get('text/plain')}")
    return problems


def readme(out, labs_readme, names):
    """README.md beside the notebooks: the labs in the order given (lab_names'),
    each with its title (the "title" of NAME.ipynb beside OUT) and its textbook
    section (the "textbook" column of the lab table in LABS_README.md,
    notebooks-c/README.md)."""
    sections = {}
    for line in split_lines(read_text(labs_readme)):
        cols = [c.strip() for c in line.strip().strip('|').split(' | ')]
        m = re.match(r'^`([A-Za-z0-9_]+)\.c`$', cols[1]) if len(cols) >= 3 else None
        if m:
            sections[m.group(1)] = cols[2]
    rows = []
    for n, name in enumerate(names, 1):
        title = read_notebook(os.path.join(os.path.dirname(out), name + '.ipynb')).metadata.get('title', name)
        if name not in sections:
            sys.stderr.write(f"dlfs2: {name}: no row in the lab table of {labs_readme}; "
                             f"its textbook section is left empty\n")
        rows.append(f"| {n} | [{title}]({name}.ipynb) | [{name}.html]({name}.html) "
                    f"| {sections.get(name, '')} |")
    text = '\n'.join([
        "# The labs with their outputs",
        "",
        "Every lab of [notebooks-c/](../notebooks-c/README.md) as a Jupyter notebook with the",
        "output and the plots of its quick run, so you can read it without building anything:",
        "open a `.ipynb` here on the code host, in JupyterLab or in VS Code, or the `.html` page",
        "in a browser (download it, or open it from a clone). The cells are C and are not run",
        "here: the `.c` files in notebooks-c/ are the source; build them and run them yourself",
        "to change them (notebooks-c/README.md).",
        "",
        "| # | notebook | HTML | textbook |",
        "| --- | --- | --- | --- |",
        *rows,
        "",
        "These files are generated: `meson compile -C build lab-expected` runs every lab and",
        "rewrites them (and notebooks-c/expected/); `tests/test_rendered_notebooks.sh` fails",
        "when a lab's output no longer matches its notebook here.",
        "",
    ])
    tmp = out + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write(text)
    os.replace(tmp, out)


USAGE = """usage: render_notebook.py build LAB.c LAB.out PLOTDIR OUT.ipynb
       render_notebook.py readme OUT.md LABS_README.md NAME...
       render_notebook.py text NB.ipynb
       render_notebook.py check NB.ipynb LAB.c [--html NB.html] [--part cells|outputs|html]...
"""


def parse_check(args):
    """check's arguments: (notebook path, lab source, html path or None, parts)."""
    nb_path, source, rest = args[0], args[1], args[2:]
    html_path, parts = None, []
    while rest:
        if len(rest) < 2 or rest[0] not in ('--html', '--part'):
            raise ValueError(rest[0])
        if rest[0] == '--html':
            html_path = rest[1]
        elif rest[1] in ('cells', 'outputs', 'html'):
            parts.append(rest[1])
        else:
            raise ValueError(rest[1])
        rest = rest[2:]
    parts = parts or ['cells', 'outputs'] + (['html'] if html_path else [])
    if 'html' in parts and html_path is None:
        raise ValueError('--part html without --html NB.html')
    return nb_path, source, html_path, parts


def check(nb_path, source, html_path, parts):
    lab, nb = Lab(source), read_notebook(nb_path)
    problems = []
    if 'cells' in parts:
        problems += check_cells(nb, lab)
    if 'outputs' in parts:
        problems += check_outputs(nb, lab)
    if 'html' in parts:
        problems += check_html(nb, html_path)
    for p in problems:
        print(f"{os.path.basename(nb_path)}: {p}")
    return 1 if problems else 0


def main(argv):
    cmd, args = (argv[1], argv[2:]) if len(argv) >= 2 else (None, [])
    if cmd in ('-h', '--help'):
        sys.stdout.write(USAGE)
        return 0
    counts = {'build': (4, 4), 'readme': (3, None), 'text': (1, 1), 'check': (2, None)}
    lo, hi = counts.get(cmd, (1, 0))
    try:
        if len(args) < lo or (hi is not None and len(args) > hi):
            raise ValueError(' '.join(argv[1:2]) or '(none)')
        checked = parse_check(args) if cmd == 'check' else None
    except ValueError as e:
        sys.stderr.write(f"dlfs2: render_notebook.py: bad arguments at '{e}'\n{USAGE}")
        return 2
    try:
        if cmd == 'build':
            build(*args)
        elif cmd == 'readme':
            readme(args[0], args[1], args[2:])
        elif cmd == 'text':
            sys.stdout.write(text_of(read_notebook(args[0])))
        else:
            return check(*checked)
    except Problem as e:
        sys.stderr.write(f"dlfs2: {e}\n")
        return 1
    except nbformat.ValidationError as e:
        sys.stderr.write(f"dlfs2: the notebook does not validate: {e.message}\n")
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
