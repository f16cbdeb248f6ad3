"""Números escritos como se lê no Brasil: vírgula decimal e ponto nos milhares.

Todo número que o estudante lê numa saída do curso passa por aqui, para que
"615.440 parâmetros" (seiscentos e quinze mil) nunca apareça ao lado de
"perda 2.811" (que um leitor brasileiro leria como dois mil e oitocentos).
"""


def decimal(valor, casas=3):
    """``0.8904`` → ``"0,890"`` (com ``casas`` casas decimais e ponto nos milhares)."""
    texto = f"{float(valor):,.{casas}f}"
    return texto.replace(",", "\0").replace(".", ",").replace("\0", ".")


def inteiro(valor):
    """``615440`` → ``"615.440"``."""
    return f"{int(valor):,}".replace(",", ".")


def porcentagem(fracao, casas=1):
    """``0.8904`` → ``"89,0 %"``."""
    return f"{decimal(100 * float(fracao), casas)} %"


def enxuto(valor):
    """Sem casas decimais inúteis e com vírgula decimal: ``2.0`` → ``"2"``, ``0.5`` → ``"0,5"``,
    ``2.25`` → ``"2,25"``, ``-inf`` → ``"−∞"`` (no máximo duas casas; as figuras usam)."""
    valor = float(valor)
    if valor in (float("inf"), float("-inf")):
        return "−∞" if valor < 0 else "∞"
    if abs(valor - round(valor)) < 1e-9:
        return str(int(round(valor)))
    return f"{valor:.2f}".rstrip("0").replace(".", ",")
