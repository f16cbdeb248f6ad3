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
        return inteiro(round(valor))
    return decimal(valor, 2).rstrip("0").rstrip(",")


def _com_virgula(texto):
    """'0.35' → '0,35' e '10000' → '10.000' (o texto de um rótulo de eixo do Matplotlib)."""
    limpo = texto.replace("\u2212", "-")
    try:
        valor = float(limpo)
    except ValueError:
        return texto  # um rótulo que não é número (nome de classe, por exemplo)
    casas = len(limpo.split(".")[1]) if "." in limpo else 0
    return decimal(valor, casas)


def virgula_nos_eixos(fig):
    """Põe vírgula decimal e ponto nos milhares nos números dos eixos de todos os gráficos de ``fig``.

    Vale também para as barras de cores. As posições dos rótulos continuam as que
    o Matplotlib escolhe; só a escrita dos números muda.
    """
    from matplotlib.ticker import ScalarFormatter

    class ComVirgula(ScalarFormatter):
        def __call__(self, x, pos=None):
            return _com_virgula(super().__call__(x, pos))

    for ax in fig.axes:
        for eixo in (ax.xaxis, ax.yaxis):
            if type(eixo.get_major_formatter()) is ScalarFormatter:
                eixo.set_major_formatter(ComVirgula(useOffset=False))
    return fig
