"""The contributor guide's generated pages: field reference, error codes, findings by confidence profile.

The field reference is generated from the record models' JSON Schemas, so every field's type, whether it is
required, its allowed values and its documentation (the field's docstring in `synth/records/schema.py`) are always
those `synth check` enforces. The error-code catalogue below is written by hand, one entry per code that any
part of synth reports; a test fails when a code is used without an entry here, or an entry names a code no
longer used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from synth.authoring.jsonschema import record_schema
from synth.records.consistency import component_profile, usual_rating
from synth.records.schema import CONCERNS, PLACEHOLDER, PLAIN_TEXT, RATING_LABELS, RATINGS, SLUG_PATTERN, Finding


@dataclass(frozen=True)
class ErrorCode:
    """One diagnostic code: how bad it is, who reports it, a message as printed, and how to fix it."""

    code: str
    severity: str
    reported_by: str
    example: str
    fix: str


CHECK, FMT, IMPORT, BUILD = "`synth check`", "`synth fmt`", "`synth import`", "the site build and `synth pdf`"

ERROR_CODES: tuple[ErrorCode, ...] = (
    ErrorCode("yaml.syntax", "error", f"{CHECK}, {FMT}",
              "content/findings/turley-leadership.yaml:4:18: error[yaml.syntax]: mapping values are not allowed "
              "here\n  hint: a value containing ': ' must be quoted, or written as a block with '>-'",
              "The file is not valid YAML at that line. Most often a value contains `: ` or starts with a quote "
              "it does not close: put the value in double quotes, or write it as a folded block after `>-`."),
    ErrorCode("yaml.tab", "error", CHECK,
              "content/findings/turley-leadership.yaml:3:1: error[yaml.tab]: a tab character in indentation\n"
              "  hint: indent with spaces", "Indent with spaces (two per level); YAML does not allow tabs."),
    ErrorCode("yaml.duplicate-key", "error", CHECK,
              "content/findings/turley-leadership.yaml:3:1: error[yaml.duplicate-key]: duplicate key 'statement' "
              "(first defined at line 2, column 1)\n  hint: remove one of the two, or merge their values",
              "A field appears twice in one mapping; keep one."),
    ErrorCode("yaml.not-mapping", "error", f"{CHECK}, {FMT}",
              "content/findings/empty.yaml:1:1: error[yaml.not-mapping]: the file is empty; expected a mapping "
              "of fields", "A record is a mapping: one `field: value` per line. Empty files and bare lists are not "
                           "records; in `themes.yaml` each theme id needs `name:` under it."),
    ErrorCode("yaml.encoding", "error", f"{CHECK}, {FMT}",
              "content/findings/notes.yaml:1:1: error[yaml.encoding]: not UTF-8 text (invalid continuation byte)\n"
              "  hint: save the file as UTF-8", "Save the file as UTF-8 (any modern editor can: look for "
                                               "'Save with encoding')."),
    ErrorCode("yaml.recursive", "error", CHECK,
              "content/studies/loop.yaml:1:8: error[yaml.recursive]: an alias refers to a value that contains it",
              "Remove the YAML anchor (`&name`) or alias (`*name`); records do not need them."),
    ErrorCode("yaml.too-large", "error", CHECK,
              "content/findings/big.yaml:3:8: error[yaml.too-large]: the record expands to more than 4 MiB of text "
              "(aliases count each time they are used)\n  hint: write each value out once; records do not need "
              "YAML aliases (*name)",
              "The file expands to an enormous value, usually through aliases (`*name`) repeating a long value. "
              "Write the values out plainly; see the limits in the README."),
    ErrorCode("yaml.too-deep", "error", f"{CHECK}, {FMT}",
              "content/findings/deep.yaml:1:104: error[yaml.too-deep]: values are nested more than 100 levels deep\n"
              "  hint: records nest a few levels; flatten the lists and mappings",
              "Lists and mappings are nested far deeper than any record needs; flatten them."),
    ErrorCode("yaml.bad-key", "error", CHECK,
              "content/studies/x.yaml:2:1: error[yaml.bad-key]: a key must be a plain word, not a list or mapping",
              "Field names are plain words such as `title`."),
    ErrorCode("yaml.merge-key", "error", CHECK,
              "content/studies/x.yaml:4:1: error[yaml.merge-key]: merge keys (<<) are not supported in records",
              "Write the fields out instead of merging them in with `<<`."),
    ErrorCode("content.stray-file", "warning", f"{CHECK}, {BUILD}",
              "content/barriers/stray.yml:1:1: warning[content.stray-file]: record files must end in '.yaml'; "
              "this file was not read\n  hint: rename it to stray.yaml",
              "Rename the file to end in `.yaml` (records), `.bib` or `.md` (papers), in lower case."),
    ErrorCode("file.not-regular", "error", f"{CHECK}, {BUILD}",
              "bibliography/feed.bib:1:1: error[file.not-regular]: this is a pipe, not a file; it was not read\n"
              "  hint: only plain files are read: rename or remove it",
              "Only plain files are read: a folder, pipe or device named like a record, `.bib` file or paper is "
              "refused. Rename or remove it."),
    ErrorCode("file.unreadable", "error", f"{CHECK}, {BUILD}",
              "bibliography/old.bib:1:1: error[file.unreadable]: cannot read the file: the link points to "
              "'gone.bib', which does not exist\n  hint: fix or remove the link, or make the file readable",
              "The file cannot be opened: a link to nothing, a link that loops back on itself, or no permission to "
              "read it. Fix or remove the link, or make the file readable."),
    ErrorCode("file.outside-project", "error", f"{CHECK}, {BUILD}",
              "content/findings/notes.yaml:1:1: error[file.outside-project]: the file links to '/home/me/notes."
              "yaml', outside the project; it was not read\n  hint: copy the file into the project instead of "
              "linking to it",
              "A link that leaves the project could publish any file on the machine, so it is not followed. Copy the "
              "file into the project."),
    ErrorCode("file.too-large", "error", f"{CHECK}, {BUILD}",
              "bibliography/all.bib:1:1: error[file.too-large]: the file is 40.2 MiB, more than the limit of 32 MiB; "
              "it was not read\n  hint: split it into smaller files",
              "The file is bigger than synth reads (see the limits in the README); split it into smaller files."),
    ErrorCode("id.not-slug", "error", CHECK,
              "content/findings/Not_A_Slug.yaml:1:1: error[id.not-slug]: file name (the record id) 'Not_A_Slug' is "
              "not a lower-case slug (letters, digits, single hyphens)\n  hint: rename it to 'not-a-slug'",
              "A record's id is its file name: lower-case letters, digits and single hyphens. Rename the file as "
              "the hint says, and update any record that links to it."),
    ErrorCode("id.mismatch", "error", CHECK,
              "content/findings/wrong-id.yaml:1:5: error[id.mismatch]: id 'another-id' does not match the file "
              "name; expected 'wrong-id'\n  hint: set 'id: wrong-id', remove the id line, or rename the file",
              "The optional `id:` field must equal the file name. Removing it is simplest."),
    ErrorCode("id.reserved", "error", CHECK,
              "content/studies/index.yaml:1:1: error[id.reserved]: the id 'index' is reserved: it is the address "
              "of the listing page of its folder\n  hint: rename the file",
              "`index` is the address of each folder's table of records; give the record another file name."),
    ErrorCode("id.duplicate", "error", CHECK,
              "content/barriers/lack-of-staff-continuity.yaml:1:1: error[id.duplicate]: barrier id "
              "'lack-of-staff-continuity' is already used by content/barriers/Lack-of-staff-continuity.yaml\n"
              "  hint: give one of the two records another file name",
              "Two records of one kind have ids that differ only in letter case, which web addresses cannot tell "
              "apart. Rename one."),
    ErrorCode("schema.unknown-field", "error", CHECK,
              "content/findings/turley-leadership.yaml:2:1: error[schema.unknown-field]: unknown field 'statment' "
              "in a finding; expected one of: ['barriers', 'confidence', 'evidence', 'facilitators', 'id', "
              "'statement', 'study', 'themes']\n  hint: did you mean 'statement'?",
              "Fix the field name's spelling (the hint suggests the closest one) or remove the field. The field "
              "reference lists every field of every record type."),
    ErrorCode("schema.missing-field", "error", CHECK,
              "content/studies/turley-2012.yaml:6:1: error[schema.missing-field]: missing required field "
              "'appraisal.limitations' in a study\n  hint: add 'limitations:' with a value",
              "Add the field with a value. `synth new` writes every required field for you."),
    ErrorCode("schema.invalid-value", "error", CHECK,
              "content/studies/turley-2012.yaml:3:9: error[schema.invalid-value]: 'design': expected one of: "
              "['qualitative-case-studies', 'ethnography', 'survey', ...] but received: 'ethnograpy'\n"
              "  hint: did you mean 'ethnography'?",
              "The value is not of the kind the field takes: a value outside its list of allowed values, a word "
              "where a whole number belongs, a list where text belongs. The message says what was expected."),
    ErrorCode("schema.placeholder", "error", CHECK,
              f"content/studies/street-wardens.yaml:10:9: error[schema.placeholder]: 'design' is still the "
              f"placeholder '{PLACEHOLDER}'; fill it in\n  hint: write one of: qualitative-case-studies, "
              "ethnography, survey, ...",
              f"`synth new` and `synth import` leave `{PLACEHOLDER}` where only a researcher can decide. Replace it "
              "with the real value; the comment above the field in the file says what it holds."),
    ErrorCode("schema.control-character", "error", CHECK,
              "content/barriers/street-wardens.yaml:1:7: error[schema.control-character]: 'name' holds the control "
              "character U+001B at position 10; received: 'Terminal \\x1b]0;title\\x07'\n  hint: remove it: record "
              "text is plain text (in YAML, check for escapes such as \\0, \\x1b or \\uffff)",
              "Record text may not hold control characters (other than tabs and line breaks) or noncharacters such "
              "as U+FFFF: they could clear or retitle a reader's terminal or spoil a download. They usually come "
              "from a YAML escape in double quotes or from text pasted from another program; delete them."),
    *(ErrorCode(f"ref.unknown-{kind}", "error", CHECK,
                f"content/findings/turley-leadership.yaml:{line}: error[ref.unknown-{kind}]: {field}: no {kind} has "
                f"the id '{wrong}'\n  hint: did you mean '{right}'?",
                f"A finding names a {kind} id that does not exist. Fix the spelling (the hint suggests the closest "
                f"id){extra}.")
      for kind, field, line, wrong, right, extra in (
          ("study", "study", "1:8", "turley-2021", "turley-2012", ", or create the study"),
          ("barrier", "barriers", "6:12", "lack-of-staf-continuity", "lack-of-staff-continuity",
           ", or create the barrier with `synth new barrier`"),
          ("facilitator", "facilitators", "7:16", "independent-manager", "independent-neighbourhood-manager",
           ", or create the facilitator with `synth new facilitator`"),
          ("outcome", "outcomes", "8:12", "residents-feel-safe", "residents-feel-safer",
           ", or create the outcome with `synth new outcome`"),
          ("theme", "themes", "8:10", "partnership-work", "partnership-working",
           ", or add the theme to `content/themes.yaml`"))),
    ErrorCode("evidence.no-quote", "error", CHECK,
              "content/findings/turley-leadership.yaml:3:1: error[evidence.no-quote]: a finding needs at least one "
              "verbatim quotation in 'evidence'\n  hint: add '- quote: ...' with 'locator: ...' from the study's "
              "text", "Add at least one quotation from the study, word for word, with where it is in the source."),
    ErrorCode("evidence.unsupported", "warning", CHECK,
              "content/facilitators/local-wardens.yaml:1:1: warning[evidence.unsupported]: no finding links to this "
              "facilitator; its page would show no evidence\n  hint: add 'local-wardens' to the 'facilitators:' "
              "list of a finding that supports it, or remove it",
              "Link a finding to it (in the finding's `barriers:`, `facilitators:` or `outcomes:` list), or remove "
              "it until there is evidence for it."),
    ErrorCode("evidence.no-evaluation", "error", CHECK,
              "content/studies/street-wardens.yaml:4:1: error[evidence.no-evaluation]: evidence_kind: a "
              "practice-example needs an 'evaluation' status saying whether it was evaluated\n  hint: add "
              "'evaluation:' with described-not-evaluated, evaluated-positive or evaluated-mixed-or-no-effect",
              "Say whether the practice example was evaluated, and with what result, as the source reports it: "
              "`described-not-evaluated` when the source only describes it. A proposal is `proposal-not-tried`."),
    ErrorCode("evidence.evaluation-mismatch", "error", CHECK,
              "content/studies/turley-2012.yaml:5:13: error[evidence.evaluation-mismatch]: evaluation: only a "
              "practice example or proposal carries an evaluation status, but this study's evidence_kind is "
              "'evaluated-research'\n  hint: remove the 'evaluation' line, or correct 'evidence_kind'",
              "An evaluation status belongs to a practice example or a proposal only, and a proposal's status is "
              "`proposal-not-tried`. Remove the status, or correct `evidence_kind` to what the source is."),
    ErrorCode("record.review-overdue", "warning", "`synth check --review-age DAYS` and the site build with "
              "`review_age`",
              "content/findings/turley-leadership.yaml:2:11: warning[record.review-overdue]: last reviewed on "
              "2024-01-15, 400 days ago (more than 365)\n  hint: review the record against its source, then set "
              "'reviewed:' to today's date",
              "Check the record against its source again (quotations, statement, ratings), then set `reviewed:` to "
              "the date you did, as `YYYY-MM-DD`. The warning is off unless an age is given."),
    ErrorCode("cerqual.no-explanation", "error", CHECK,
              "content/findings/turley-leadership.yaml:5:3: error[cerqual.no-explanation]: "
              "confidence.methodological_limitations: a concern of 'moderate' needs an explanation\n  hint: add "
              "'explanation:' saying why this component raises concerns",
              "GRADE-CERQual asks for the reasons behind every judgement: write an `explanation:` for each "
              "component above `no-or-very-minor`, and always for the overall rating."),
    ErrorCode("confidence.inconsistent", "warning", CHECK,
              "content/findings/turley-leadership.yaml:35:13: warning[confidence.inconsistent]: "
              "confidence.overall.rating: 'low' departs from the usual 'moderate' for this profile of component "
              "concerns, and 'departure' does not say why\n  hint: rate it 'moderate', revise a component's "
              "concern, or add 'departure:' under 'overall:' saying why this finding departs from the usual path",
              "The overall rating is not the one this review's usual path gives for the four component concerns "
              "(see the page on confidence ratings). Correct the rating or a component, or, when the departure is "
              "a considered judgement, write why under `overall:` as `departure:`. The same code reports a "
              "`departure:` left on a rating that follows the usual path."),
    ErrorCode("confidence.repeated-explanation", "warning", CHECK,
              "content/findings/alexander-tokenistic-participation.yaml:28:7: warning[confidence.repeated-"
              "explanation]: confidence.adequacy.explanation: the same words explain this component in 13 findings "
              "(more than 5)\n  hint: say why this finding's own evidence raises the concern; the same text is in "
              "'alexander-formal-meetings-favour-professionals' and 11 more",
              "An explanation should say why this finding's evidence is limited, adequate or relevant, not the "
              "study's in general. Keep what holds for the whole study if you like, and add what is particular to "
              "this finding: which passages, what kind of data, how directly they speak to it. The limit is "
              "`synth check --max-shared-explanation N` (the plugin's `max_shared_explanation`), 5 by default."),
    ErrorCode("quote.not-found", "error", "`synth check --sources DIR`",
              "content/findings/turley-independent-manager.yaml:4:12: error[quote.not-found]: evidence[0].quote is "
              "not in the study's source text: \"It was essential that the Neighbourhood Manager was perceived to "
              "act independently.\"\n  hint: the closest passage is: \"It was more important that the "
              "Neighbourhood Manager was perceived to act independently\"",
              "Copy the quotation again from the source, word for word. Only white space, quote marks and dashes "
              "may differ; to quote two separate passages, use two `evidence` items."),
    ErrorCode("quote.no-source", "warning", "`synth check --sources DIR`",
              "content/studies/turley-2012.yaml:1:1: warning[quote.no-source]: this study has no 'source', so its "
              "findings' quotations cannot be verified\n  hint: add 'source: <file name of its full text>' to the "
              "study", "Add `source:` with the file name of the study's full text in the sources folder."),
    ErrorCode("quote.source-missing", "error", "`synth check --sources DIR`",
              "content/studies/turley-2012.yaml:6:9: error[quote.source-missing]: source: 'absent.txt' is not a "
              "file in ../shared/seeds\n  hint: check the file name, or pass the right --sources folder",
              "Fix the file name in `source:`, or pass the folder that holds it with `--sources`."),
    ErrorCode("bib.syntax", "error", f"{CHECK}, {IMPORT}",
              "bibliography/sources.bib:12:1: error[bib.syntax]: cannot read @article entry 'broken2020': a brace "
              "or quote opened in it is never closed (reading stopped at 14:12); it is skipped\n  hint: check the "
              "braces, quotes and the commas between fields",
              "Balance the braces and quotes of that entry and put a comma between fields. Only this entry is "
              "skipped; the rest of the file is read."),
    ErrorCode("bib.duplicate-key", "error", CHECK,
              "bibliography/more.bib:13:1: error[bib.duplicate-key]: duplicate key 'Alexander2021coproduction': "
              "'alexander2021coproduction' (keys are compared without letter case) is already defined at "
              "bibliography/sources.bib:2:1; this entry is skipped\n  hint: give one of the entries a different "
              "key", "Keys are compared without letter case. Remove the second entry, or give it another key."),
    ErrorCode("bib.duplicate-field", "warning", CHECK,
              "bibliography/sources.bib:4:1: warning[bib.duplicate-field]: field 'year' appears twice in "
              "'turley2012neighbourhood'; the first value is kept", "Remove one of the two fields."),
    ErrorCode("bib.undefined-macro", "warning", f"{CHECK}, {IMPORT}",
              "bibliography/sources.bib:18:1: warning[bib.undefined-macro]: undefined @string macro 'ssj' in entry "
              "'alexander2021coproduction'; it reads as empty text\n  hint: define it first with @string{ssj = "
              "\"...\"}, or brace the value",
              "Define the macro with `@string` before it is used (in any `.bib` file read earlier), or write the "
              "value in braces. `synth import bibtex` keeps such a field as the bare macro, so defining the macro "
              "later restores the value."),
    ErrorCode("bib.unknown-type", "warning", CHECK,
              "bibliography/sources.bib:18:1: warning[bib.unknown-type]: entry type '@online' of 'website2022' is "
              "not a BibTeX type; it is formatted as @misc\n  hint: use @misc",
              "Use a BibTeX entry type (`@article`, `@book`, `@techreport`, `@misc`...); reference managers that "
              "export biblatex types can usually export BibTeX instead."),
    ErrorCode("bib.biblatex-field", "warning", CHECK,
              "bibliography/sources.bib:18:1: warning[bib.biblatex-field]: 'website2022' has the biblatex field "
              "'date' but no 'year', which BibTeX styles read; year = {2022} is taken from it\n  hint: add year = "
              "{...}", "Add the BibTeX field the hint names (`year`, `journal`, `address`)."),
    ErrorCode("bib.encoding", "warning or error", f"{CHECK}, {IMPORT}",
              "bibliography/old.bib:40:12: warning[bib.encoding]: the file is not UTF-8 (byte 0xe9); it is read as "
              "Windows-1252\n  hint: check the accented letters and quotation marks it imported; save it as UTF-8",
              "Save the file as UTF-8. Until then it is read as Windows-1252, whose curly quotes and accents are "
              "what older Windows tools write; check that they came out right. UTF-16 files are read as they are. A "
              "file that is neither UTF-8 nor Windows-1252 is an error and is not read."),
    ErrorCode("bib.crossref-cycle", "error", f"{CHECK}, {BUILD}",
              "bibliography/sources.bib:7:1: error[bib.crossref-cycle]: 'circ1' is in a crossref cycle (circ1 → "
              "circ2 → circ1); its crossref = {circ2} is ignored\n  hint: a crossref names the parent entry (the "
              "book or proceedings); remove the one that points back",
              "Each `crossref` names the entry a child inherits from (a chapter's book, a paper's proceedings); a "
              "chain that leads back to where it started has no parent. Remove the `crossref` that points back."),
    ErrorCode("bib.invalid-name", "warning", CHECK,
              "bibliography/sources.bib:3:1: warning[bib.invalid-name]: Too many commas in 'Smith, J., Jr, Ltd' in "
              "'smith2020'", "Write each name as `Family, Given` (or `Family, Jr, Given`), names joined by `and`."),
    ErrorCode("bib.unknown-key", "error or warning", f"{CHECK}, {BUILD}",
              "content/studies/uncited.yaml:2:7: error[bib.unknown-key]: cite: no BibTeX entry has the key "
              "'alexander2012coproduction'\n  hint: did you mean 'alexander2021coproduction'?",
              "The key is in no `.bib` file: fix its spelling (the hint suggests the closest key) or add the "
              "entry, for example with `synth import bibtex FILE`. In a page's citation it is a warning, an "
              "error under `--strict`."),
    ErrorCode("bib.incomplete-entry", "warning", f"{CHECK}, {BUILD}",
              "bibliography/sources.bib:30:1: warning[bib.incomplete-entry]: 'smith2020' has no 'journal' field, "
              "which the @article layout needs; it is shown with the fields it has\n  hint: add journal = {...}, "
              "or use the entry type that fits the work", "Add the missing field, or change the entry type."),
    ErrorCode("paper.no-front-matter", "error", f"{CHECK}, {BUILD}",
              "content/papers/seminar.md:1:1: error[paper.no-front-matter]: a paper must open with YAML front "
              "matter between two '---' lines\n  hint: start the file with '---', the fields title, authors, date, "
              "abstract, status and version (and, if wanted, prepared_by and event), and another '---'",
              "Start the paper with `---`, its fields (title, authors, date, abstract, status, version, and "
              "optionally prepared_by and event), and another `---`."),
    ErrorCode("paper.not-slug", "error", f"{CHECK}, {BUILD}",
              "content/papers/My Paper.md:1:1: error[paper.not-slug]: file name 'My Paper' is not a lower-case slug "
              "(letters, digits, hyphens)\n  hint: rename it to 'my-paper.md'", "Rename the file as the hint says."),
    ErrorCode("paper.encoding", "error", f"{CHECK}, {BUILD}",
              "content/papers/seminar.md:1:1: error[paper.encoding]: not UTF-8 text (invalid start byte)\n  hint: "
              "save the file as UTF-8", "Save the paper as UTF-8."),
    ErrorCode("paper.bad-embed", "error", f"{CHECK}, {BUILD}",
              "content/papers/seminar.md:12:6: error[paper.bad-embed]: [[table:barriers]] must be on a line of its "
              "own, starting in column 1\n  hint: move it to its own line, with blank lines around it",
              "Put the embed on a line of its own, or fix its form as the message says."),
    ErrorCode("paper.unknown-record", "error", f"{CHECK}, {BUILD}",
              "content/papers/seminar.md:20:1: error[paper.unknown-record]: [[barrier:lack-of-staf-continuity]]: no "
              "barrier has the id 'lack-of-staf-continuity'\n  hint: did you mean 'lack-of-staff-continuity'?",
              "Fix the record id the embed names."),
    ErrorCode("paper.unknown-key", "error", f"{CHECK}, {BUILD}",
              "content/papers/seminar.md:8:14: error[paper.unknown-key]: @turley2021: no BibTeX entry has the key "
              "'turley2021'\n  hint: add an entry with this key to a bibliography/*.bib file",
              "Fix the citation key, or add the entry to the bibliography."),
    ErrorCode("import.duplicate", "warning", IMPORT,
              "refs.bib:10:1: warning[import.duplicate]: 'other2021key' has the DOI 10.1007/s43545-021-00058-0, "
              "already in the bibliography as 'alexander2021coproduction' at bibliography/sources.bib:2:1; it is "
              "not added, and 'alexander2021coproduction' stands for it\n  hint: cite it as "
              "'alexander2021coproduction'",
              "Nothing to do: the entry is already in the bibliography (same key and fields, or same DOI). Cite "
              "the existing key."),
    ErrorCode("import.conflict", "error", IMPORT,
              "refs.bib:8:1: error[import.conflict]: 'Turley2012Neighbourhood' is already in the bibliography at "
              "bibliography/sources.bib:1:1 with different fields: title, year; the existing entry is kept and "
              "nothing is written over it\n  hint: compare the two entries and edit the existing one by hand, or "
              "import this one under another key",
              "Compare the two entries. Correct the existing one by hand if the imported one is better, or give "
              "the imported one another key and import it again."),
    ErrorCode("import.unknown-key", "error", IMPORT,
              "error[import.unknown-key]: --stubs: no entry has the key 'bovaird2090'; no stub was written\n"
              "  hint: did you mean 'bovaird2009'?", "Name keys of the imported file in `--stubs`."),
    ErrorCode("import.already-cited", "warning", IMPORT,
              "refs.bib:8:1: warning[import.already-cited]: 'turley2012neighbourhood' is already cited by "
              "content/studies/turley-2012.yaml; no stub was written",
              "Nothing to do: a study for this reference exists (from an earlier import or by hand)."),
    ErrorCode("import.name-kept-whole", "warning", IMPORT,
              "export.json:1:45989: warning[import.name-kept-whole]: item 54780091 (Dal-Ré (2019)): 1 name(s) have "
              "no comma between family and given names and are kept whole, as written: Dal-Ré Rafael\n  hint: where "
              "the family name ends is not guessed; write 'Family, Given' in the entry 'dalre2019analysis' to "
              "correct them",
              "EPPI-Reviewer stores names as `Family Given` with no comma, so synth keeps each as one name. Where "
              "it matters (in-text citations show the whole name), edit the entry: `author = {Dal-Ré, Rafael}`."),
    ErrorCode("import.encoding", "error", IMPORT,
              "downloads/library.bib:2:19: error[import.encoding]: the file is neither UTF-8 nor Windows-1252 text "
              "(byte 0x81); it was not imported\n  hint: save the file as UTF-8, then import again",
              "The file's text could not be read without changing characters (or it holds control characters), so "
              "nothing was imported. Export the library again as UTF-8 (or UTF-16), then import it."),
    ErrorCode("import.not-carried", "warning", IMPORT,
              "downloads/library.bib:6:1: warning[import.not-carried]: @preamble is not imported: '\\newcommand"
              "{\\noopsort}[1]{}'\n  hint: synth's references do not use a preamble; add its definitions to the "
              "entries if they matter",
              "Part of the file is not carried over into the bibliography. For a `@preamble`, write what its "
              "commands stand for into the entries that use them."),
    ErrorCode("import.bad-export", "error", IMPORT,
              "exports/review.json:812:5: error[import.bad-export]: References[41], item 9012 (Smith (2020)): its "
              "code 7 is not an object with a numeric AttributeId; nothing was imported\n  hint: export again from "
              "EPPI-Reviewer, or correct the item",
              "The EPPI-Reviewer export has an item or code synth cannot use. The whole export is checked before "
              "anything is written, so nothing was imported: export again, or correct the file and import again."),
    ErrorCode("fmt.not-a-record", "error", FMT,
              "notes/todo.yaml:1:1: error[fmt.not-a-record]: not a record file: expected content/<kind folder>/"
              "<id>.yaml or content/themes.yaml", "Pass record files (or folders of them) to `synth fmt`."),
    ErrorCode("fmt.comment-lost", "error", FMT,
              "content/studies/odd.yaml:4:13: error[fmt.comment-lost]: formatting would drop the comment '# inside "
              "a flow list'; the file was left as it is\n  hint: move the comment to a line of its own above a field "
              "(or remove it), then format again",
              "The comment sits where the formatter cannot keep it: between a key and its value, inside a `[...]` "
              "list, after a `...` line, or a second `$schema` line. The file is left untouched; move the comment "
              "above the field it is about."),
    ErrorCode("fmt.unsafe", "error", FMT,
              "content/studies/odd.yaml:1:1: error[fmt.unsafe]: formatting would change a value; the file was left "
              "as it is\n  hint: format this file by hand",
              "The file uses YAML that reads differently once rewritten; it is left untouched. Lay it out by hand "
              "like the other records."),
    ErrorCode("paper.too-deep", "error", f"{CHECK}, `synth pdf`, {BUILD}",
              "content/papers/seminar.md:14:1: error[paper.too-deep]: blockquotes nested 600 deep: blockquotes nested "
              "more than 16 deep cannot be printed\n  hint: flatten the structure; a paper needs only a few levels",
              "Blockquotes and lists may nest 16 levels deep and HTML elements 64; deeper nesting would exhaust "
              "the converter or the PDF renderer. Flatten the structure."),
    ErrorCode("paper.too-large", "error", f"{CHECK}, `synth pdf`, {BUILD}",
              "content/papers/seminar.md:20:5: error[paper.too-large]: colspan=100000000 is more than 1000: too "
              "large to print\n  hint: use an ordinary size",
              "A number in CSS may be at most 10,000, a `colspan` or `rowspan` at most 1,000, and an SVG may hold "
              "at most 64 `<use>` elements: larger values would exhaust the PDF renderer. Use ordinary sizes."),
    ErrorCode("paper.unsafe-html", "warning", CHECK,
              "content/papers/seminar.md:9:1: warning[paper.unsafe-html]: a <script> element would run in a "
              "reader's browser\n  hint: remove it: pages and papers hold text and markup, not scripts",
              "A paper may hold raw HTML, but a `<script>`, an event-handler attribute (`onclick=`, `onerror=`) or "
              "a `javascript:` link would run in readers' browsers. Remove it; the PDF never carries such a link."),
    ErrorCode("page.unsafe-html", "warning", CHECK,
              "docs/about.md:12:1: warning[page.unsafe-html]: an event-handler attribute 'onclick' on <a> would "
              "run in a reader's browser\n  hint: remove it: pages and papers hold text and markup, not scripts",
              "A hand-written page in `docs/` holds a `<script>`, an event-handler attribute or a `javascript:` "
              "link, which would run in readers' browsers. Remove it."),
    ErrorCode("paper.pdf-failed", "error", BUILD,
              "content/papers/seminar.md:11:1: error[paper.pdf-failed]: no PDF could be made of 'seminar': the "
              "renderer took longer than 120 seconds\n  hint: simplify what the paper holds (deep nesting, large "
              "sizes, complex SVG)",
              "The PDF renderer failed, ran out of memory (3 GB) or time (120 seconds) on this paper, which "
              "`synth check` accepted. Simplify the paper's raw HTML and styles; the last good site is kept."),
)
"""Every diagnostic code synth reports, in the order the guide lists them."""

GROUPS = {
    "yaml": "Reading record files", "content": "Content folders", "file": "Project files", "id": "Record ids",
    "schema": "Fields and values",
    "ref": "Links between records", "evidence": "Evidence", "record": "Reviews", "cerqual": "GRADE-CERQual assessments",
    "confidence": "Consistency of confidence ratings",
    "quote": "Quotations", "bib": "Bibliography", "paper": "Papers", "page": "Hand-written pages", "import": "Imports",
    "fmt": "Formatting",
}
RECORD_TYPES = (
    ("study", "Study", "content/studies/<id>.yaml"), ("finding", "Finding", "content/findings/<id>.yaml"),
    ("barrier", "Barrier", "content/barriers/<id>.yaml"), ("facilitator", "Facilitator",
                                                           "content/facilitators/<id>.yaml"),
    ("outcome", "Outcome", "content/outcomes/<id>.yaml"),
)


def render_error_codes() -> str:
    """The error-code catalogue page: every code with its severity, an example as printed, and its fix."""
    lines = ["# Error codes", "",
             "Every problem synth finds is printed on one line, `path:line:column: severity[code]: message`, "
             "usually followed by a `hint:` line. Look the code up here. `synth check --strict` (and the site "
             "build in strict mode) treats warnings as errors.", ""]
    for prefix, title in GROUPS.items():
        codes = [entry for entry in ERROR_CODES if entry.code.split(".")[0] == prefix]
        lines += [f"## {title}", ""]
        for entry in codes:
            lines += [f"### `{entry.code}`", "", f"**{entry.severity}**, reported by {entry.reported_by}.", "",
                      "```text", entry.example, "```", "", f"**Fix:** {entry.fix}", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def render_schema_reference() -> str:
    """The field reference page: every field of every record type, its type, whether required, and its use."""
    lines = ["# Record fields", "",
             "Each record is one YAML file whose name is its id. These tables list every field; nested fields are "
             "written with dots (`appraisal.strengths`), and fields of each item of a list with `[]` "
             f"(`evidence[].quote`). Text may not be left as the placeholder `{PLACEHOLDER}`. Editors that read "
             "the JSON Schemas (see the editor set-up page) show the same documentation as you type.", ""]
    for name, title, path in RECORD_TYPES:
        lines += _type_section(record_schema(name), f"{title}: `{path}`")
    theme_file = record_schema("theme-file")
    theme = theme_file["$defs"]["Theme"]
    lines += _type_section({**theme, "$defs": theme_file["$defs"]}, "Theme: an entry of `content/themes.yaml`",
                           "Each key of `content/themes.yaml` is a theme id (a lower-case slug) with these fields.")
    return "\n".join(lines).rstrip("\n") + "\n"


def _type_section(schema: dict[str, Any], heading: str, extra: str = "") -> list[str]:
    lines = [f"## {heading}", "", f"{schema['description']} {extra}".strip(), "",
             "| Field | Type | Required | Allowed values | What it holds |", "| --- | --- | --- | --- | --- |"]
    for field, prop, required in _fields(schema, schema, ""):
        kind, allowed = _describe(schema, prop)
        cells = [f"`{field}`", kind, "required" if required else "optional", allowed, _cell(prop["description"])]
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def _fields(root: dict[str, Any], schema: dict[str, Any], prefix: str) -> Iterator[tuple[str, dict[str, Any], bool]]:
    """Every field of ``schema`` and of the models nested in it, with dotted names."""
    required = set(schema.get("required", ()))
    for name, prop in schema.get("properties", {}).items():
        dotted = f"{prefix}{name}"
        yield dotted, prop, name in required
        nested = _target(root, _unwrap(prop))
        if nested.get("type") == "array" and "$ref" in nested.get("items", {}):
            yield from _fields(root, _target(root, nested["items"]), f"{dotted}[].")
        elif nested.get("type") == "object" and "properties" in nested:
            yield from _fields(root, nested, f"{dotted}.")


def _unwrap(prop: dict[str, Any]) -> dict[str, Any]:
    """The non-null alternative of an optional field."""
    options = [option for option in prop.get("anyOf", [prop]) if option.get("type") != "null"]
    return options[0] if options else prop


def _target(root: dict[str, Any], prop: dict[str, Any]) -> dict[str, Any]:
    """``prop``, or the definition its `$ref` points at."""
    ref = prop.get("$ref")
    return root["$defs"][ref.rsplit("/", 1)[1]] if isinstance(ref, str) else prop


def _describe(root: dict[str, Any], prop: dict[str, Any]) -> tuple[str, str]:
    """A field's type in words, and its allowed values (empty when any value of the type will do)."""
    value = _target(root, _unwrap(prop))
    if "enum" in value:
        return "one of the allowed values", ", ".join(f"`{choice}`" for choice in value["enum"])
    if value.get("type") == "array":
        item, _ = _describe(root, value.get("items", {}))
        return f"list of {_plural(item)}", ""
    if value.get("type") == "object":
        return "mapping", ""
    if value.get("type") == "integer":
        return "whole number", f"{value.get('minimum')} to {value.get('maximum')}" if "minimum" in value else ""
    if value.get("pattern") == SLUG_PATTERN:
        return "id", "a lower-case slug: letters, digits, single hyphens"
    if "pattern" in value and value["pattern"] != PLAIN_TEXT:
        return "file name", "a plain file name, no folders"
    if value.get("format") == "date":
        return "date", "`YYYY-MM-DD`"
    return "text", ""


def _plural(kind: str) -> str:
    return {"id": "ids", "text": "texts", "mapping": "mappings"}.get(kind, kind)


def _cell(text: str) -> str:
    """Documentation text for a table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def render_confidence_profiles(findings: Mapping[str, Finding], finding_href: Callable[[str], str]) -> str:
    """The page of findings grouped by their four component concerns and overall rating, departures marked.

    ``finding_href`` gives the Markdown link target of a finding's page from this page.
    """
    groups: dict[tuple[tuple[int, ...], int], list[str]] = {}
    for finding_id, finding in sorted(findings.items()):
        indices = tuple(CONCERNS.index(concern) for concern in component_profile(finding.confidence))
        groups.setdefault((indices, RATINGS.index(finding.confidence.overall.rating)), []).append(finding_id)
    lines = ["# Findings by confidence profile", "",
             "Each row is one profile of component concerns (methodological limitations, coherence, adequacy, "
             "relevance) with one overall rating, and the findings rated so. The usual rating is the one this "
             "review's usual path gives for the profile (the contributor guide's page on confidence ratings "
             "explains it). A row "
             "whose rating departs from it says whether the findings give their reason in `departure:`; "
             "`synth check` warns about those that do not. Rows with the same profile but different ratings are "
             "the first place to look for inconsistency.", "",
             "| Methodological limitations | Coherence | Adequacy | Relevance | Usual rating | Rated | Findings |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for (profile_index, rating_index), ids in sorted(groups.items()):
        profile = tuple(CONCERNS[index] for index in profile_index)
        usual, rating = usual_rating(profile), RATINGS[rating_index]
        cells = [_CONCERN_WORDS[concern] for concern in profile]
        cells += [RATING_LABELS[usual], RATING_LABELS[rating] if rating == usual else
                  f"**{RATING_LABELS[rating]}** (departs)",
                  ", ".join(_finding_link(findings[i], i, finding_href, departs=rating != usual) for i in ids)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


_CONCERN_WORDS = {"no-or-very-minor": "none or very minor", "minor": "minor", "moderate": "moderate",
                  "serious": "serious"}


def _finding_link(finding: Finding, finding_id: str, finding_href: Callable[[str], str], *, departs: bool) -> str:
    """A link to a finding; after a departing one, whether it states its reason."""
    link = f"[{finding_id}]({finding_href(finding_id)})"
    if not departs:
        return link
    return f"{link} (reason given)" if finding.confidence.overall.departure.strip() else f"{link} (**no reason given**)"
