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
