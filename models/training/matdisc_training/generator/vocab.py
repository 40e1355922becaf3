"""The element vocabulary of the generator: index k of the type axis is Z = k + 1, Z = 1..100."""

ELEMENTS: tuple[str, ...] = tuple(
    """H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As
    Se Br Kr Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb
    Dy Ho Er Tm Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk
    Cf Es Fm""".split()
)
N_TYPES = len(ELEMENTS)  # 100, as DiffCSP's MAX_ATOMIC_NUM
assert N_TYPES == 100

_INDEX = {s: i for i, s in enumerate(ELEMENTS)}


def type_index(symbol: str) -> int:
    """Index on the type axis (Z - 1) of an element symbol; KeyError for symbols outside Z=1..100."""
    s = symbol.strip()
    s = s[:1].upper() + s[1:].lower()
    try:
        return _INDEX[s]
    except KeyError:
        raise KeyError(f"element {symbol!r} is outside the generator vocabulary (Z = 1..100)") from None


def chemical_system(symbols) -> str:
    """Chemical-system key used in the schedule JSON: distinct symbols, sorted, joined by '-' ("Li-O")."""
    return "-".join(sorted(set(symbols)))
