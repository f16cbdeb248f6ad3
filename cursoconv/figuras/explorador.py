"""Explorador interativo da convolução: a janela andando sobre a entrada, no navegador.

``explorador(...)`` devolve um objeto que o Jupyter, o Colab e o site do curso
mostram como HTML com CSS e JavaScript embutidos: nada vem da internet e nada
depende do kernel depois que a saída foi gravada. O leitor muda o tamanho da
entrada, do núcleo, o preenchimento, o passo e a dilatação, anda com a janela
posição por posição e vê a conta de cada valor da saída.

A aritmética do JavaScript é a mesma das lições (``tests/test_explorador.py``
confere, no Chromium, contra ``conv.corr2d``, ``conv.tamanho_saida``,
``F.max_pool2d`` e ``F.avg_pool2d``):

- ``"correlacao"``: correlação cruzada (``conv.corr2d``) da entrada preenchida
  com zeros (``F.pad``), com passo (``conv.corr2d_passo``) e dilatação
  (``nn.Conv2d(dilation=d)``);
- ``"max"``: agrupamento pelo máximo (``F.max_pool2d``), preenchimento com −∞;
- ``"media"``: agrupamento pela média (``F.avg_pool2d``), com os zeros do
  preenchimento contando na divisão (``count_include_pad=True``, o padrão).
"""
import hashlib
import html
import json
import random
from pathlib import Path

MODOS = {"correlacao": "Correlação cruzada (soma dos produtos)",
         "max": "Agrupamento pelo máximo",
         "media": "Agrupamento pela média"}
_CURTO = {"correlacao": "correlação cruzada", "max": "agrupamento pelo máximo", "media": "agrupamento pela média"}
CONTROLES = {"n": "Entrada", "k": "Núcleo", "p": "Preenchimento", "s": "Passo", "d": "Dilatação"}
# Limites de cada controle (mínimo, máximo), para as grades caberem numa tela de celular.
LIMITES = {"n": (1, 10), "k": (1, 5), "p": (0, 3), "s": (1, 4), "d": (1, 3)}
LIMITE_VALOR = 99  # valores da entrada e do núcleo: inteiros de −99 a 99

_contador = 0


def _par(nome, valor):
    """5 → (5, 5); (5, 4) → (5, 4); confere o intervalo do controle."""
    if isinstance(valor, int):
        valor = (valor, valor)
    try:
        par = tuple(int(v) for v in valor)
    except (TypeError, ValueError):
        par = ()
    minimo, maximo = LIMITES[nome]
    if len(par) != 2 or any(v != w for v, w in zip(par, valor)):
        raise ValueError(f"{CONTROLES[nome]} ({nome}) deve ser um inteiro ou um par de inteiros "
                         f"(altura, largura), como {nome}=(3, 3); recebi {valor!r}.")
    if not all(minimo <= v <= maximo for v in par):
        raise ValueError(f"{CONTROLES[nome]} ({nome}) deve ficar entre {minimo} e {maximo} "
                         f"em cada dimensão; recebi {par}.")
    return par


def _matriz(nome, M):
    """Uma matriz 2-D de inteiros pequenos (lista de listas, array do NumPy ou tensor)."""
    if hasattr(M, "tolist"):
        M = M.tolist()
    try:
        linhas = [list(linha) for linha in M]
    except TypeError:
        linhas = []
    if not linhas or not linhas[0] or any(len(l) != len(linhas[0]) for l in linhas):
        raise ValueError(f"{nome} deve ser uma matriz 2-D (lista de linhas do mesmo tamanho), "
                         "por exemplo [[1, 0], [0, 1]].")
    saida = []
    for linha in linhas:
        nova = []
        for v in linha:
            if not _inteiro_pequeno(v):
                raise ValueError(f"{nome} deve ter só inteiros de −{LIMITE_VALOR} a {LIMITE_VALOR} "
                                 f"(o explorador mostra contas curtas); achei {v!r}.")
            nova.append(int(float(v)))
        saida.append(nova)
    return saida


def _inteiro_pequeno(v):
    """Se v é um inteiro de −LIMITE_VALOR a LIMITE_VALOR (NaN, texto ou uma lista não são)."""
    try:
        return float(v) == int(float(v)) and abs(int(float(v))) <= LIMITE_VALOR
    except (TypeError, ValueError, OverflowError):
        return False


class Explorador:
    """Saída exibível do explorador: o Jupyter mostra ``_repr_html_``."""

    def __init__(self, config):
        self.config = config
        self.id = config["id"]

    def __repr__(self):
        c = self.config
        janela = "núcleo" if c["modo"] == "correlacao" else "janela"
        return (f"Explorador de {_CURTO[c['modo']]}: entrada {c['n'][0]}×{c['n'][1]}, "
                f"{janela} {c['k'][0]}×{c['k'][1]}. Abra num navegador (Jupyter, Colab ou o site "
                "do curso) para usar os controles.")

    def _repr_html_(self):
        return _html(self.config)

    @property
    def html(self):
        return _html(self.config)


def explorador(modo="correlacao", n=(5, 5), k=(3, 3), p=(0, 0), s=(1, 1), d=(1, 1),
               controles=("n", "k", "p", "s", "d"), X=None, K=None, semente=0):
    """Explorador interativo da janela deslizante, para mostrar numa célula.

    modo: ``"correlacao"`` (soma dos produtos com o núcleo), ``"max"`` ou ``"media"``
    (agrupamento); n, k, p, s, d: entrada, núcleo (ou janela), preenchimento, passo e
    dilatação, cada um um inteiro ou um par (altura, largura); controles: quais deles o
    leitor pode mudar (acrescente ``"modo"`` para trocar entre máximo e média);
    X, K: entrada e núcleo iniciais (inteiros pequenos; sem eles, sorteados com
    ``semente``). Com X ou K, n ou k passam a ser a forma deles.
    """
    global _contador
    if modo not in MODOS:
        raise ValueError(f"modo deve ser um de {', '.join(map(repr, MODOS))}; recebi {modo!r}.")
    if isinstance(controles, str):
        controles = (controles,)
    desconhecidos = [c for c in controles if c not in CONTROLES and c != "modo"]
    if desconhecidos:
        raise ValueError(f"controles desconhecidos: {desconhecidos}. Use alguns de "
                         f"{', '.join(map(repr, [*CONTROLES, 'modo']))}.")
    if "modo" in controles and modo == "correlacao":
        raise ValueError('o controle "modo" troca entre máximo e média: use-o com modo="max" ou "media".')
    if isinstance(semente, bool) or not isinstance(semente, int):
        raise ValueError(f"semente deve ser um inteiro, como semente=0 (a mesma semente sorteia a mesma entrada); "
                         f"recebi {semente!r}.")
    sorteio = random.Random(semente)
    if X is not None:
        X = _matriz("X (a entrada)", X)
        n = (len(X), len(X[0]))
    if K is not None:
        K = _matriz("K (o núcleo)", K)
        k = (len(K), len(K[0]))
    n, k, p, s, d = (_par(nome, v) for nome, v in zip("nkpsd", (n, k, p, s, d)))
    agrupamento = modo != "correlacao"
    if X is None:
        faixa = (0, 9) if agrupamento else (0, 4)
        X = [[sorteio.randint(*faixa) for _ in range(n[1])] for _ in range(n[0])]
    if K is None:
        K = [[sorteio.randint(-1, 2) for _ in range(k[1])] for _ in range(k[0])]
    _contador += 1
    config = {"modo": modo, "n": n, "k": k, "p": p, "s": s, "d": d,
              "controles": [c for c in ("modo", *CONTROLES) if c in controles],
              "X": X, "K": K, "semente": int(semente), "limites": LIMITES, "limite_valor": LIMITE_VALOR}
    # Id determinístico (a mesma execução gera a mesma saída, que o nbval compara),
    # e diferente para cada explorador do mesmo kernel; o JavaScript ainda troca o id
    # se outro igual já estiver na página (a apostila junta todas as lições numa só).
    resumo = hashlib.sha1(f"{json.dumps(config, sort_keys=True)}#{_contador}".encode()).hexdigest()
    config["id"] = f"cc-exp-{resumo[:10]}"
    return Explorador(config)


# ----------------------------------------------------------------------------- HTML

def _campo_par(pid, nome, titulo, valor, agrupamento):
    minimo, maximo = LIMITES[nome]
    campos = []
    legenda = "Janela" if nome == "k" and agrupamento else titulo
    avisos = []
    for eixo, (dim, rotulo) in enumerate((("h", "altura"), ("w", "largura"))):
        cid = f"{pid}-{nome}{dim}"
        # O aviso de valor recusado fica logo abaixo dos campos, e o leitor de tela o lê com o campo.
        campos.append(
            f'<span class="cc-campo"><label for="{cid}"><span class="cc-oculto">{legenda}, </span>'
            f'{rotulo}</label> <input id="{cid}" type="number" inputmode="numeric" min="{minimo}" '
            f'max="{maximo}" step="1" value="{valor[eixo]}" data-cc-controle="{nome}" '
            f'data-cc-eixo="{eixo}" aria-invalid="false" aria-describedby="{cid}-aviso"></span>')
        avisos.append(f'<span class="cc-erro cc-aviso-campo" id="{cid}-aviso" aria-live="polite"></span>')
    return (f'<fieldset class="cc-grupo" data-cc-grupo="{nome}"><legend>{legenda} '
            f'(<i>{nome}</i>)</legend>{"".join(campos)}{"".join(avisos)}</fieldset>')


def _html(config):
    pid = config["id"]
    e = html.escape
    partes = [f'<div class="cc-explorador" id="{pid}" data-cc-explorador="{pid}" role="group" '
              f'aria-labelledby="{pid}-titulo">',
              f'<style>{_CSS}</style>',
              f'<p class="cc-titulo" id="{pid}-titulo"><strong>Explorador: '
              f'<span data-cc="titulo">{e(MODOS[config["modo"]].lower())}</span></strong></p>',
              '<p class="cc-aviso" data-cc="aviso">Se você lê este aviso, o JavaScript do explorador '
              'não rodou: execute a célula (o Jupyter só roda o JavaScript de notebooks confiáveis).</p>',
              '<div class="cc-controles">']
    if "modo" in config["controles"]:
        opcoes = "".join(f'<option value="{m}"{" selected" if m == config["modo"] else ""}>{e(t)}</option>'
                         for m, t in MODOS.items() if m != "correlacao")
        partes.append(f'<span class="cc-campo cc-modo"><label for="{pid}-modo">Operação</label> '
                      f'<select id="{pid}-modo" data-cc-controle="modo">{opcoes}</select></span>')
    for nome in CONTROLES:
        if nome in config["controles"]:
            partes.append(_campo_par(pid, nome, CONTROLES[nome], config[nome], config["modo"] != "correlacao"))
    partes.append('</div>')
    partes.append(
        f'<div class="cc-botoes">'
        f'<button type="button" data-cc-acao="anterior" aria-controls="{pid}-conta">Anterior</button>'
        f'<button type="button" data-cc-acao="proxima" aria-controls="{pid}-conta">Próxima</button>'
        f'<button type="button" data-cc-acao="tocar" aria-pressed="false">Tocar</button>'
        f'<button type="button" data-cc-acao="sortear">Sortear</button></div>')
    partes.append(
        f'<p class="cc-erro" data-cc="erro" role="alert"></p>'
        f'<div class="cc-grades">'
        f'<figure class="cc-bloco"><figcaption data-cc="rotulo-entrada">Entrada</figcaption>'
        f'<div class="cc-rolagem" tabindex="0" aria-label="Entrada (role para os lados se precisar)">'
        f'<table class="cc-grade" data-cc="entrada"></table></div></figure>'
        f'<figure class="cc-bloco" data-cc="bloco-nucleo"><figcaption>Núcleo</figcaption>'
        f'<div class="cc-rolagem"><table class="cc-grade" data-cc="nucleo"></table></div></figure>'
        f'<figure class="cc-bloco"><figcaption>Saída</figcaption>'
        f'<div class="cc-rolagem" tabindex="0" aria-label="Saída (role para os lados se precisar)">'
        f'<table class="cc-grade" data-cc="saida"></table></div></figure></div>')
    partes.append(
        f'<p class="cc-posicao" data-cc="posicao" aria-live="polite"></p>'
        f'<p class="cc-conta" id="{pid}-conta" data-cc="conta"></p>'
        f'<div class="cc-tamanho"><p>Tamanho da saída pela fórmula, '
        f'<span data-cc="formula-geral"></span>:</p><ul>'
        f'<li>altura: <span data-cc="formula-altura"></span></li>'
        f'<li>largura: <span data-cc="formula-largura"></span></li></ul>'
        f'<p>Saída desenhada: <span data-cc="desenhada"></span></p></div>')
    partes.append(
        f'<details class="cc-editar"><summary>Editar a entrada'
        f'{"" if config["modo"] != "correlacao" else " e o núcleo"}</summary>'
        f'<p class="cc-dica" id="{pid}-dica">Uma linha da matriz por linha de texto, inteiros de '
        f'−{LIMITE_VALOR} a {LIMITE_VALOR} separados por espaços.</p>'
        f'<span class="cc-campo cc-bloco-texto"><label for="{pid}-textoX">Entrada</label>'
        f'<textarea id="{pid}-textoX" rows="5" cols="24" spellcheck="false" data-cc="textoX" '
        f'aria-describedby="{pid}-dica"></textarea></span>'
        f'<span class="cc-campo cc-bloco-texto" data-cc="campo-textoK"><label for="{pid}-textoK">Núcleo</label>'
        f'<textarea id="{pid}-textoK" rows="3" cols="16" spellcheck="false" data-cc="textoK" '
        f'aria-describedby="{pid}-dica"></textarea></span>'
        f'<button type="button" data-cc-acao="aplicar">Aplicar</button>'
        f'<p class="cc-erro" data-cc="erro-edicao" role="alert"></p></details>')
    partes.append('</div>')
    dados = json.dumps(config, ensure_ascii=False).replace("</", "<\\/")
    partes.append(f'<script>{_JS.replace("__CONFIG__", dados)}</script>')
    return "".join(partes)


# O estilo e o programa do explorador ficam em arquivos próprios, ao lado deste módulo.
_CSS = Path(__file__).with_name("explorador.css").read_text(encoding="utf-8")
_JS = Path(__file__).with_name("explorador.js").read_text(encoding="utf-8")
