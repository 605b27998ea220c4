"""The demo's TPL subsets: fixed size, seeded, in the pool's order."""

from videoutr.data.llava import Sample, load_samples, save_samples
from videoutr.demo.data import tpl_subset


def test_tpl_subset_is_a_seeded_fixed_size_sample_in_pool_order(tmp_path):
    pool = tmp_path / "utr.json"
    save_samples(pool, [Sample.from_qa(f"s{i:02d}", [("Q?", "A.")], video=f"v{i}.mp4") for i in range(20)])
    first = [s.id for s in load_samples(tpl_subset(pool, 6, 0, tmp_path / "a.json"))]
    again = [s.id for s in load_samples(tpl_subset(pool, 6, 0, tmp_path / "b.json"))]
    other = [s.id for s in load_samples(tpl_subset(pool, 6, 1, tmp_path / "c.json"))]
    assert len(first) == 6 and first == sorted(first) and first == again and first != other
    assert len(load_samples(tpl_subset(pool, 50, 0, tmp_path / "d.json"))) == 20  # a small pool: all of it
