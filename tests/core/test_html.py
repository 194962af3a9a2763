"""`tuijin.core.html.options`: the <option>s of a long select, escaped, the chosen one selected."""

from tuijin.core.html import options


def test_options_escape_values_and_labels_and_mark_the_selected_one():
    html = options([("A1", "甲县"), ('x"><script>', "<b>乙</b>"), (3, "丙")], "3")
    assert html == (
        '<option value="A1">甲县</option>'
        '<option value="x&quot;&gt;&lt;script&gt;">&lt;b&gt;乙&lt;/b&gt;</option>'
        '<option value="3" selected>丙</option>'
    )


def test_nothing_is_selected_without_a_choice():
    assert "selected" not in options([("", "全部"), ("A1", "甲县")], None)
    assert options([("", "全部")], "") == '<option value="" selected>全部</option>'
