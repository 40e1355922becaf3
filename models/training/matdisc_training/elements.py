"""Element symbols by atomic number (Z = 1..94); index 0 is a placeholder."""

SYMBOLS: tuple[str, ...] = tuple(
    """X H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As
    Se Br Kr Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb
    Dy Ho Er Tm Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu""".split()
)

MAX_Z = len(SYMBOLS) - 1

_Z = {s: z for z, s in enumerate(SYMBOLS) if z}


def atomic_number(symbol: str) -> int:
    """Atomic number of an element symbol ("Si" -> 14); raises KeyError for unknown symbols."""
    try:
        return _Z[symbol.strip().capitalize()]
    except KeyError:
        raise KeyError(f"unknown element symbol {symbol!r}") from None
