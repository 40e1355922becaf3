import numpy as np

from matdisc_training.extxyz import read_extxyz

TEXT = """2
Lattice="3.0 0.0 0.0 0.0 3.0 0.0 0.0 0.0 3.0" Properties=species:S:1:pos:R:3:forces:R:3 energy=-10.5 stress="1 2 3 2 4 5 3 5 6" config_type=Elastic pbc="T T T" description="a b c"
Si 0.0 0.0 0.0 0.1 0.2 0.3
Ge 1.5 1.5 1.5 -0.1 -0.2 -0.3
1
Lattice="2 0 0 0 2 0 0 0 2" Properties=species:S:1:pos:R:3:forces:R:3 energy=-1 pbc="T T F"
O 0 0 0 0 0 0
"""


def test_reads_frames_with_labels(tmp_path):
    path = tmp_path / "x.extxyz"
    path.write_text(TEXT)
    first, second = read_extxyz(path)
    assert first.numbers.tolist() == [14, 32]
    assert first.energy == -10.5
    np.testing.assert_allclose(first.cell, 3 * np.eye(3))
    np.testing.assert_allclose(first.forces[1], [-0.1, -0.2, -0.3])
    np.testing.assert_allclose(first.stress, [[1, 2, 3], [2, 4, 5], [3, 5, 6]])
    assert first.info["config_type"] == "Elastic" and first.info["description"] == "a b c"
    assert second.stress is None and second.pbc == (True, True, False) and second.numbers.tolist() == [8]
