"""O explorador interativo (``cursoconv/figuras/explorador.py``) num navegador de verdade, sem rede.

O Chromium do Debian, guiado pelo Playwright, muda os controles como uma pessoa
(preenchendo, digitando, com as setas do teclado, escolhendo no menu) e lê o que
a página MOSTRA: as células das grades e o texto do tamanho da saída. Tudo é
comparado com o Python das lições: ``conv.tamanho_saida``, ``conv.corr2d`` (na
entrada preenchida por ``F.pad``, com passo e dilatação), ``F.conv2d``,
``F.max_pool2d`` e ``F.avg_pool2d``.

Três lugares: uma página de teste gerada na hora, as páginas do livro montado
que contêm o explorador, e a saída gravada de um notebook executado (como o
Jupyter e o Colab a mostram). Toda requisição para fora de 127.0.0.1 é
bloqueada e conta como falha, assim como qualquer erro no console.
"""
import html
import json
import random
import re
from pathlib import Path

import importlib

import nbformat
import pytest
import torch
import torch.nn.functional as F
from nbclient import NotebookClient

from ferramentas import navegador
from tests import pessoa
from cursoconv import conv, figuras

modulo = importlib.import_module("cursoconv.figuras.explorador")  # o módulo (figuras.explorador é a função)

RAIZ = Path(__file__).resolve().parents[1]
COMPUTADOR = {"width": 1100, "height": 900}
CELULAR = {"width": 390, "height": 800}
EXPLORADOR = "[data-cc-explorador][data-cc-iniciado]"

# O que a página mostra, lido do DOM: as células (texto e classe), os textos e os campos.
_LER = r"""
(raiz) => {
  const tab = nome => [...raiz.querySelector(`[data-cc="${nome}"]`).rows]
      .map(tr => [...tr.cells].map(td => ({t: td.textContent, pad: td.classList.contains("cc-pad"),
                                            atual: td.classList.contains("cc-atual")})));
  const txt = nome => raiz.querySelector(`[data-cc="${nome}"]`).textContent;
  const campos = {};
  for (const e of raiz.querySelectorAll("[data-cc-controle]"))
    campos[e.dataset.ccControle + (e.dataset.ccEixo || "")] = e.value;
  return {entrada: tab("entrada"), nucleo: tab("nucleo"), saida: tab("saida"),
          nucleo_visivel: !raiz.querySelector('[data-cc="bloco-nucleo"]').hidden,
          formula_altura: txt("formula-altura"), formula_largura: txt("formula-largura"),
          desenhada: txt("desenhada"), erro: txt("erro"), conta: txt("conta"), posicao: txt("posicao"),
          campos, estado: JSON.parse(raiz.getAttribute("data-estado"))};
}
"""


def numero(texto):
    """Um número como o explorador escreve: "−3", "1,33", "−∞"."""
    texto = texto.strip().replace("\u2212", "-").replace(",", ".")
    return float("-inf") if texto == "-∞" else float(texto)


def igual(mostrado, esperado):
    """Iguais até o arredondamento de duas casas que o explorador mostra (−∞ só iguala −∞)."""
    return mostrado == esperado or abs(mostrado - esperado) <= 0.0051


# ------------------------------------------------------------------ a referência em Python

def referencia(modo, X, K, p, s, d):
    """(tamanho pela fórmula, saída ou None se o PyTorch recusa) com as funções das lições."""
    n = X.shape
    k = K.shape if modo == "correlacao" else K
    efetivo = [d[e] * (k[e] - 1) + 1 for e in range(2)]
    try:
        tamanho = tuple(conv.tamanho_saida(n[e], efetivo[e], p[e], s[e]) for e in range(2))
    except ValueError:  # conv.tamanho_saida recusa o núcleo que não cabe; o explorador diz "não cabe"
        return tuple((n[e] + 2 * p[e] - efetivo[e]) // s[e] + 1 for e in range(2)), None
    if modo == "correlacao":
        if min(tamanho) < 1:
            return tamanho, None
        Xp = F.pad(X, (p[1], p[1], p[0], p[0]))
        K_dilatado = torch.zeros(efetivo)
        K_dilatado[::d[0], ::d[1]] = K
        Y = conv.corr2d(Xp, K_dilatado)[::s[0], ::s[1]]
        # A mesma conta pela nn.Conv2d (F.conv2d) e, sem dilatação, pela corr2d_passo da lição 3.
        pelo_torch = F.conv2d(Xp[None, None], K[None, None], stride=s, dilation=d)[0, 0]
        assert torch.equal(Y, pelo_torch)
        if tuple(d) == (1, 1):
            assert torch.equal(Y, conv.corr2d_passo(Xp, K, s))
        return tamanho, Y
    try:
        if modo == "max":
            Y = F.max_pool2d(X[None, None], tuple(k), stride=tuple(s), padding=tuple(p), dilation=tuple(d))
        else:
            if tuple(d) != (1, 1):
                return tamanho, None  # F.avg_pool2d não tem dilatação
            Y = F.avg_pool2d(X[None, None], tuple(k), stride=tuple(s), padding=tuple(p))
    except RuntimeError:
        return tamanho, None
    return tamanho, Y[0, 0]


def janela(modo, X, K, p, s, d, i, j):
    """Os valores da janela da posição (i, j) da saída, em ordem de leitura."""
    k = K.shape if modo == "correlacao" else K
    vazio = float("-inf") if modo == "max" else 0.0
    Xp = F.pad(X, (p[1], p[1], p[0], p[0]), value=vazio)
    r, c = i * s[0], j * s[1]
    return Xp[r:r + d[0] * (k[0] - 1) + 1:d[0], c:c + d[1] * (k[1] - 1) + 1:d[1]].flatten().tolist()


# ------------------------------------------------------------------ quem dirige

class Motorista:
    """Muda os controles de um explorador como uma pessoa e confere o que a página mostra."""

    def __init__(self, pagina, raiz, rng):
        self.pagina, self.raiz, self.rng = pagina, raiz, rng
        self.conferidas = 0
        self.invalidas = 0
        self.modos = set()

    def ler(self):
        return self.raiz.evaluate(_LER)

    def controles(self):
        return self.raiz.evaluate(
            "r => [...new Set([...r.querySelectorAll('[data-cc-controle]')].map(e => e.dataset.ccControle))]")

    def ajustar(self, nome, eixo, valor):
        campo = self.raiz.locator(f'[data-cc-controle="{nome}"][data-cc-eixo="{eixo}"]')
        atual = int(campo.input_value())
        if atual == valor:
            return
        jeito = self.rng.choice(["preencher", "setas", "digitar"])
        if jeito == "preencher":
            campo.fill(str(valor))
        elif jeito == "setas":
            campo.focus()
            tecla = "ArrowUp" if valor > atual else "ArrowDown"
            for _ in range(abs(valor - atual)):
                campo.press(tecla)
        else:
            campo.focus()
            campo.press("Control+a")
            campo.press_sequentially(str(valor))
        campo.press("Tab")  # sai do campo, como quem passa ao próximo
        assert campo.input_value() == str(valor), f"o campo {nome}{eixo} não aceitou {valor}"

    def sortear_config(self):
        """Uma configuração aleatória, quase sempre válida (às vezes a janela não cabe)."""
        controles = self.controles()
        rng = self.rng
        est = self.ler()["estado"]
        modo = est["modo"]
        if "modo" in controles:
            modo = rng.choice(["max", "media"])
        k = [rng.randint(1, 5) for _ in range(2)] if "k" in controles else est["k"]
        d = [rng.randint(1, 3) for _ in range(2)] if "d" in controles else est["d"]
        if modo == "media" and rng.random() < 0.8:
            d = [1, 1]
        p = [rng.randint(0, 3) for _ in range(2)] if "p" in controles else est["p"]
        if modo != "correlacao" and "p" in controles and rng.random() < 0.85:
            p = [min(p[e], k[e] // 2) for e in range(2)]
        s = [rng.randint(1, 4) for _ in range(2)] if "s" in controles else est["s"]
        n = est["n"]
        if "n" in controles:
            n = []
            for e in range(2):
                minimo = max(1, d[e] * (k[e] - 1) + 1 - 2 * p[e])
                n.append(rng.randint(minimo, 10) if minimo <= 10 and rng.random() < 0.9 else rng.randint(1, 10))
        return {"modo": modo, "n": n, "k": k, "p": p, "s": s, "d": d}

    def aplicar(self, cfg):
        controles = self.controles()
        if "modo" in controles:
            self.raiz.locator('[data-cc-controle="modo"]').select_option(cfg["modo"])
        for nome in ("n", "k", "p", "s", "d"):
            if nome in controles:
                for eixo in (0, 1):
                    self.ajustar(nome, eixo, cfg[nome][eixo])
        acao = self.rng.random()
        if acao < 0.2:
            self.raiz.get_by_role("button", name="Sortear").click()
        elif acao < 0.3:
            self.editar_texto()
        for _ in range(self.rng.randint(0, 4)):
            self.raiz.get_by_role("button", name="Próxima").click()
        if self.rng.random() < 0.3:
            self.raiz.get_by_role("button", name="Anterior").click()

    def editar_texto(self):
        """Edita a entrada (e o núcleo) pela caixa de texto, com inteiros negativos inclusive."""
        detalhes = self.raiz.locator("details.cc-editar")
        if not detalhes.evaluate("e => e.open"):
            detalhes.locator("summary").click()
        vistos = self.ler()
        n = [len(vistos["estado"]["X"]), len(vistos["estado"]["X"][0])]
        X = [[self.rng.randint(-9, 20) for _ in range(n[1])] for _ in range(n[0])]
        self.raiz.get_by_label("Entrada", exact=True).fill("\n".join(" ".join(map(str, l)) for l in X))
        if vistos["nucleo_visivel"]:
            k = [len(vistos["nucleo"]), len(vistos["nucleo"][0])]
            K = [[self.rng.randint(-3, 3) for _ in range(k[1])] for _ in range(k[0])]
            self.raiz.get_by_label("Núcleo", exact=True).fill("\n".join(" ".join(map(str, l)) for l in K))
        self.raiz.get_by_role("button", name="Aplicar").click()
        assert self.ler()["estado"]["X"] == X

    def conferir(self, cfg=None):
        """Compara o que está na tela com o Python; devolve o que foi visto."""
        visto = self.ler()
        est = visto["estado"]
        modo = est["modo"]
        campos = visto["campos"]
        if cfg:
            assert modo == cfg["modo"]
            for nome in ("n", "k", "p", "s", "d"):
                for eixo in (0, 1):
                    if f"{nome}{eixo}" in campos:
                        assert int(campos[f"{nome}{eixo}"]) == cfg[nome][eixo], (nome, eixo, campos)
        # A entrada e o preenchimento como a página os desenha.
        grade = visto["entrada"]
        linhas_pad = [all(c["pad"] for c in linha) for linha in grade]
        p_h = linhas_pad.index(False) if False in linhas_pad else 0
        colunas_pad = [all(linha[j]["pad"] for linha in grade) for j in range(len(grade[0]))]
        p_w = colunas_pad.index(False) if False in colunas_pad else 0
        X = torch.tensor([[numero(c["t"]) for c in linha if not c["pad"]] for linha in grade
                          if not all(c["pad"] for c in linha)])
        p = (p_h, p_w)
        assert sum(linhas_pad) == 2 * p_h and sum(colunas_pad) == 2 * p_w
        for nome, valor in (("p", p), ("n", tuple(X.shape))):
            for eixo in (0, 1):
                if f"{nome}{eixo}" in campos:
                    assert int(campos[f"{nome}{eixo}"]) == valor[eixo], f"{nome} mostrado ≠ campo"
        vazio = "−∞" if modo == "max" else "0"
        assert all(c["t"] == vazio for linha in grade for c in linha if c["pad"])
        s = tuple(int(campos[f"s{e}"]) if f"s{e}" in campos else est["s"][e] for e in range(2))
        d = tuple(int(campos[f"d{e}"]) if f"d{e}" in campos else est["d"][e] for e in range(2))
        if modo == "correlacao":
            assert visto["nucleo_visivel"]
            K = torch.tensor([[numero(c["t"]) for c in linha] for linha in visto["nucleo"]])
        else:
            K = tuple(int(campos[f"k{e}"]) if f"k{e}" in campos else est["k"][e] for e in range(2))
        tamanho, Y = referencia(modo, X, K, p, s, d)
        # O tamanho pela fórmula, como escrito, e o desenhado.
        for e, nome in enumerate(("formula_altura", "formula_largura")):
            assert int(numero(visto[nome].rsplit("=", 1)[1])) == tamanho[e], (visto[nome], tamanho)
        saida = visto["saida"]
        if Y is None:
            self.invalidas += 1
            assert saida == [] and visto["desenhada"].startswith("nenhuma"), visto["desenhada"]
            assert visto["erro"].strip(), "configuração inválida sem mensagem de erro"
            return visto
        assert not visto["erro"].strip(), visto["erro"]
        assert visto["desenhada"] == f"{Y.shape[0]} × {Y.shape[1]}", (visto["desenhada"], Y.shape)
        assert (len(saida), len(saida[0])) == tuple(Y.shape)
        for i, linha in enumerate(saida):
            for j, c in enumerate(linha):
                assert igual(numero(c["t"]), float(Y[i, j])), (
                    f"saída ({i}, {j}) mostrada {c['t']}, Python dá {float(Y[i, j])}; {modo} p={p} s={s} d={d}")
        # A posição atual: a célula destacada, o texto e a conta.
        atuais = [(i, j) for i, linha in enumerate(saida) for j, c in enumerate(linha) if c["atual"]]
        assert len(atuais) == 1
        i, j = atuais[0]
        assert f"linha {i}, coluna {j} da saída" in visto["posicao"]
        valores = janela(modo, X, K, p, s, d, i, j)
        conta = visto["conta"]
        if modo == "correlacao":
            esquerda, direita = conta.rsplit(" = ", 1)
            termos = [t.replace("(", "").replace(")", "").split("×") for t in esquerda.split(" + ")]
            assert [(numero(a), numero(b)) for a, b in termos] == list(zip(valores, K.flatten().tolist()))
        elif modo == "max":
            dentro, direita = re.fullmatch(r"máx\((.*)\) = (.*)", conta).groups()
            assert [numero(v) for v in dentro.split("; ")] == valores
        else:
            dentro, sinal, direita = re.match(r"\((.*?)\) / \d+ = \S+ / \d+ ([=≈]) (\S+)", conta).groups()
            assert [numero(v.strip("()")) for v in dentro.split(" + ")] == valores
            # "=" se o valor escrito é o exato; "≈" só se foi arredondado.
            # (soma/quantos tem no máximo duas casas se 100·soma é múltiplo de quantos; o float32 do Y não diz)
            assert sinal == ("=" if round(100 * sum(valores)) % len(valores) == 0 else "≈"), conta
        assert igual(numero(direita), float(Y[i, j]))
        self.conferidas += 1
        self.modos.add(modo)
        return visto


def dirigir(pagina, raiz, rng, vezes):
    motorista = Motorista(pagina, raiz, rng)
    motorista.conferir()  # o estado inicial, antes de tocar em nada
    for _ in range(vezes):
        cfg = motorista.sortear_config()
        motorista.aplicar(cfg)
        motorista.conferir(cfg)
    return motorista


# ------------------------------------------------------------------ largura, teclado, tema

_VAZA = r"""
(raiz) => {
  const largura = document.documentElement.clientWidth;
  const caixa = raiz.getBoundingClientRect();
  const vazam = [];
  if (caixa.left < -1 || caixa.right > largura + 1) vazam.push(`explorador: ${caixa.left}..${caixa.right} de ${largura}`);
  for (const e of raiz.querySelectorAll("*")) {
    const r = e.getBoundingClientRect();
    if (!r.width || e.closest(".cc-rolagem") && !e.classList.contains("cc-rolagem")) continue;
    if (e.closest(".cc-oculto")) continue;
    if (r.left < caixa.left - 1 || r.right > caixa.right + 1)
      vazam.push(`${e.tagName.toLowerCase()}.${e.className}: ${r.left}..${r.right}`);
  }
  return {vazam, rolagem: document.documentElement.scrollWidth, largura};
}
"""


def conferir_largura(raiz):
    """No celular, o explorador com a maior grade cabe na coluna; só as grades rolam por dentro."""
    motorista = Motorista(None, raiz, random.Random(0))
    controles = motorista.controles()
    for nome, valor in (("n", 10), ("p", 3), ("k", 5)):
        if nome in controles:
            for eixo in (0, 1):
                motorista.ajustar(nome, eixo, valor if nome != "p" or "modo" not in controles else 2)
    medida = raiz.evaluate(_VAZA)
    assert not medida["vazam"], medida["vazam"]
    assert medida["rolagem"] <= medida["largura"], f"a página rola para o lado: {medida}"


def direcao_valida(estado, chave, eixo):
    """+1 ou -1: para que lado mudar o controle sem sair dos limites nem tirar a janela da entrada.

    Assim a janela continua com posições para percorrer depois da mudança (no agrupamento, o
    preenchimento também não pode passar da metade da janela, como no PyTorch).
    """
    minimo, maximo = modulo.LIMITES[chave]
    for delta in (1, -1):
        novo = {c: list(estado[c]) for c in "nkpsd"}
        novo[chave][eixo] += delta
        if not minimo <= novo[chave][eixo] <= maximo:
            continue
        n, k, p, d = novo["n"][eixo], novo["k"][eixo], novo["p"][eixo], novo["d"][eixo]
        if estado["modo"] != "correlacao" and p > k // 2:
            continue
        if n + 2 * p >= d * (k - 1) + 1:
            return delta
    raise AssertionError(f"nenhuma mudança válida de {chave}{eixo} a partir de {estado}")


def passar_com_teclado(pagina, raiz):
    """Só com Tab, setas, Enter e Espaço: muda cada controle e anda com a janela."""
    pid = raiz.get_attribute("id")
    controles = {f"{c}{e}" for c in Motorista(None, raiz, None).controles() if c != "modo" for e in "01"}
    if raiz.locator('[data-cc-controle="modo"]').count():
        controles.add("modo")
    mudados, acoes, passos = set(), set(), []
    ativo = f"document.activeElement && document.activeElement.closest('#{pid}') ? document.activeElement : null"
    for _ in range(200):
        pagina.keyboard.press("Tab")
        info = pagina.evaluate(f"""() => {{ const e = {ativo};
            if (!e) return null;
            const s = getComputedStyle(e);
            return {{tag: e.tagName.toLowerCase(), controle: e.dataset.ccControle ? e.dataset.ccControle + (e.dataset.ccEixo || "") : null,
                     acao: e.dataset.ccAcao || null, contorno: s.outlineStyle, espessura: parseFloat(s.outlineWidth),
                     estado: JSON.parse(document.getElementById("{pid}").getAttribute("data-estado"))}}; }}""")
        if info is None:
            if acoes:
                break
            continue
        assert info["contorno"] != "none" and info["espessura"] >= 2, f"foco invisível em {info['tag']}"
        antes = info["estado"]
        passos.append((info["controle"] or info["acao"] or info["tag"], antes["n"], antes["k"], antes["p"], antes["s"]))
        if info["controle"]:
            nome = info["controle"]
            if nome in mudados:
                continue  # cada controle muda uma vez só: mudar de novo pode levar a uma janela que não cabe
            if nome == "modo":
                pagina.keyboard.press("ArrowDown" if antes["modo"] == "max" else "ArrowUp")
                assert json.loads(raiz.get_attribute("data-estado"))["modo"] != antes["modo"]
            else:
                valor = antes[nome[0]][int(nome[1])]
                delta = direcao_valida(antes, nome[0], int(nome[1]))
                pagina.keyboard.press("ArrowUp" if delta > 0 else "ArrowDown")
                depois = json.loads(raiz.get_attribute("data-estado"))
                assert depois[nome[0]][int(nome[1])] == valor + delta, nome
            mudados.add(nome)
        elif info["acao"] == "proxima":
            pagina.keyboard.press("Enter")
            total = len(antes["saida"]) * len(antes["saida"][0]) if antes["saida"] else 0
            depois = json.loads(raiz.get_attribute("data-estado"))
            assert total and depois["posicao"] == (antes["posicao"] + 1) % total, (antes, depois)
            acoes.add("proxima")
        elif info["acao"] == "anterior":
            pagina.keyboard.press("Enter")  # da posição 0 volta à última
            total = len(antes["saida"]) * len(antes["saida"][0]) if antes["saida"] else 0
            depois = json.loads(raiz.get_attribute("data-estado"))
            assert total and depois["posicao"] == (antes["posicao"] - 1) % total, passos
            acoes.add("anterior")
        elif info["acao"] == "tocar":
            pagina.keyboard.press("Space")
            assert raiz.locator('[data-cc-acao="tocar"]').get_attribute("aria-pressed") == "true"
            assert raiz.locator('[data-cc-acao="tocar"]').inner_text() == "Pausar"
            pagina.keyboard.press("Space")
            assert raiz.locator('[data-cc-acao="tocar"]').inner_text() == "Tocar"
            acoes.add("tocar")
        elif info["acao"] == "sortear":
            pagina.keyboard.press("Space")
            assert json.loads(raiz.get_attribute("data-estado"))["X"] != antes["X"]
            acoes.add("sortear")
        elif info["tag"] == "summary":
            pagina.keyboard.press("Enter")
            assert raiz.locator("details.cc-editar").evaluate("e => e.open")
        elif info["acao"] == "aplicar":
            acoes.add("aplicar")
            break
    assert mudados == controles, f"controles que o teclado não mudou: {controles - mudados}"
    assert acoes >= {"anterior", "proxima", "tocar", "sortear", "aplicar"}, acoes


def fundo_escuro(raiz):
    cor = raiz.evaluate("r => getComputedStyle(r).backgroundColor")
    r, g, b = (int(v) for v in re.findall(r"\d+", cor)[:3])
    return 0.299 * r + 0.587 * g + 0.114 * b < 128


# ------------------------------------------------------------------ a página de teste

def pagina_html(corpo):
    return ('<!DOCTYPE html><html lang="pt-BR"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<title>Explorador</title><style>body{margin:0 auto;max-width:760px;padding:0 12px}</style>'
            f'</head><body><h1>Explorador</h1>{corpo}</body></html>')


@pytest.fixture(scope="module")
def pagina_de_teste(tmp_path_factory):
    """Quatro exploradores numa página (dois com a mesma saída) e um dentro de um iframe, como no Colab."""
    pasta = tmp_path_factory.mktemp("explorador")
    correlacao = figuras.explorador(p=1, s=(2, 1), semente=3)
    agrupamento = figuras.explorador(modo="max", controles=("modo", "n", "k", "p", "s", "d"), semente=4)
    licao1 = figuras.explorador(n=(6, 6), k=(2, 2), controles=("n", "k"), semente=5)
    corpo = (f"<p>Correlação</p>{correlacao.html}<p>Agrupamento</p>{agrupamento.html}"
             f"<p>Lição 1</p>{licao1.html}<p>Cópia da lição 1 (mesmos ids)</p>{licao1.html}"
             f'<iframe title="Explorador num iframe" style="width:100%;height:900px;border:0" '
             f'srcdoc="{html.escape(pagina_html(correlacao.html), quote=True)}"></iframe>')
    (pasta / "index.html").write_text(pagina_html(corpo), encoding="utf-8")
    with navegador.servir(pasta) as endereco:
        yield endereco


def abrir(chromium, endereco, tela=COMPUTADOR, esquema="light"):
    contexto = chromium.new_context(viewport=tela, color_scheme=esquema)
    pagina = contexto.new_page()
    registro = navegador.Registro(pagina)
    pagina.goto(endereco, wait_until="load", timeout=navegador.ESPERA_MS)
    return contexto, pagina, registro


def test_pagina_de_teste_50_configuracoes_iguais_ao_python(chromium, pagina_de_teste):
    contexto, pagina, registro = abrir(chromium, pagina_de_teste)
    try:
        raizes = pagina.locator(EXPLORADOR)
        assert raizes.count() == 4
        ids = raizes.evaluate_all("rs => rs.map(r => r.id)")
        assert len(set(ids)) == 4, f"ids repetidos: {ids}"
        assert pagina.evaluate("() => Object.keys(window.exploradores).length") == 4
        rng = random.Random(2026)
        correlacao = dirigir(pagina, raizes.nth(0), rng, 40)
        agrupamento = dirigir(pagina, raizes.nth(1), rng, 30)
        copia = dirigir(pagina, raizes.nth(3), rng, 5)
        assert correlacao.conferidas + agrupamento.conferidas >= 50
        assert agrupamento.modos == {"max", "media"}
        assert correlacao.invalidas + agrupamento.invalidas >= 1  # a mensagem de "não cabe" também
        # Mexer na cópia não mexe no original com o mesmo id de origem.
        assert raizes.nth(2).evaluate(_LER)["estado"]["n"] == [6, 6]
        # O explorador dentro do iframe (o Colab isola cada saída num iframe) também responde.
        quadro = pagina.frame_locator("iframe").locator(EXPLORADOR)
        dirigir(pagina, quadro, rng, 5)
        assert registro.problemas() == []
    finally:
        contexto.close()


def test_pagina_de_teste_cabe_em_390px_e_anda_so_com_teclado(chromium, pagina_de_teste):
    contexto, pagina, registro = abrir(chromium, pagina_de_teste, CELULAR, esquema="dark")
    try:
        raizes = pagina.locator(EXPLORADOR)
        for indice in range(raizes.count()):
            assert fundo_escuro(raizes.nth(indice))
            conferir_largura(raizes.nth(indice))
        pagina.evaluate("() => document.activeElement && document.activeElement.blur()")
        pagina.locator("h1").evaluate("h => { h.tabIndex = -1; h.focus(); }")
        passar_com_teclado(pagina, raizes.nth(0))
        assert registro.problemas() == []
    finally:
        contexto.close()


@pytest.mark.parametrize("esquema,tema,escuro", [
    ("light", None, False), ("dark", None, True), ("light", "dark", True), ("dark", "light", False)])
def test_segue_o_tema_do_site_e_do_sistema(chromium, pagina_de_teste, esquema, tema, escuro):
    contexto, pagina, registro = abrir(chromium, pagina_de_teste, esquema=esquema)
    try:
        if tema:
            pagina.evaluate(f"() => document.documentElement.dataset.theme = '{tema}'")
        assert fundo_escuro(pagina.locator(EXPLORADOR).first) is escuro
        assert registro.problemas() == []
    finally:
        contexto.close()


# ------------------------------------------------------------------ sem navegador

def test_ids_deterministicos_e_unicos(monkeypatch):
    monkeypatch.setattr(modulo, "_contador", 0)
    primeira = [modulo.explorador(p=1).html, modulo.explorador(p=1).html]
    monkeypatch.setattr(modulo, "_contador", 0)
    segunda = [modulo.explorador(p=1).html, modulo.explorador(p=1).html]
    assert primeira == segunda  # o nbval compara a saída exata
    ids = [re.search(r'id="(cc-exp-[0-9a-f]+)"', h).group(1) for h in primeira]
    assert ids[0] != ids[1]
    assert not re.search(r'(src|href)=["\']?(https?:)?//', primeira[0]), "o explorador pede algo de fora"
    assert "fetch(" not in primeira[0] and "XMLHttpRequest" not in primeira[0]


@pytest.mark.parametrize("argumentos,trecho", [
    ({"modo": "soma"}, "modo deve ser um de"),
    ({"n": 0}, "Entrada (n) deve ficar entre 1 e 10"),
    ({"k": (2, 2, 2)}, "par de inteiros"),
    ({"controles": ("n", "x")}, "controles desconhecidos"),
    ({"X": [[1, 2], [3]]}, "matriz 2-D"),
    ({"K": [[0.5]]}, "só inteiros"),
    ({"controles": ("modo",)}, 'o controle "modo"'),
    # terceira passada de fuzzing: antes, erros do Python em inglês (cannot convert float NaN to integer,
    # could not convert string to float, float() argument must be ... not 'list', invalid literal for int())
    ({"X": [[float("nan"), 1], [1, 1]]}, "só inteiros"),
    ({"X": [[float("inf"), 1], [1, 1]]}, "só inteiros"),
    ({"K": [["a", 1]]}, "só inteiros"),
    ({"K": [[None, 1]]}, "só inteiros"),
    ({"X": [[[1, 2]], [[3, 4]]]}, "só inteiros"),
    ({"semente": "abc"}, "semente deve ser um inteiro"),
    ({"semente": None}, "semente deve ser um inteiro"),
])
def test_erros_de_uso_em_portugues(argumentos, trecho):
    with pytest.raises(ValueError, match=re.escape(trecho)):
        modulo.explorador(**argumentos)


def test_entrada_e_nucleo_dados_definem_os_tamanhos():
    e = modulo.explorador(X=torch.arange(12).reshape(3, 4), K=[[1, -1]])
    assert e.config["n"] == (3, 4) and e.config["k"] == (1, 2)
    assert e.config["X"][2] == [8, 9, 10, 11]
    assert "entrada 3×4, núcleo 1×2" in repr(e)
    assert figuras.explorador is modulo.explorador


# ------------------------------------------------------------------ a saída gravada num notebook

@pytest.fixture(scope="module")
def notebook_executado(tmp_path_factory):
    """Um notebook pequeno com o explorador, executado e gravado, relido do disco."""
    pasta = tmp_path_factory.mktemp("notebook")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("from cursoconv import figuras"),
                nbformat.v4.new_code_cell("figuras.explorador(n=(4, 5), k=(2, 2), p=1, s=1)"),
                nbformat.v4.new_code_cell('figuras.explorador(modo="media", controles=("modo", "n", "k", "p", "s"))')]
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(RAIZ)}}).execute()
    caminho = pasta / "explorador.ipynb"
    nbformat.write(nb, caminho)
    return nbformat.read(caminho, as_version=4)


def saidas_html(nb):
    saidas = [o["data"]["text/html"] for c in nb.cells if c.cell_type == "code"
              for o in c.get("outputs", []) if "text/html" in o.get("data", {})]
    return saidas


# Como o JupyterLab mostra uma saída text/html confiável: innerHTML e os <script> recriados.
_COMO_JUPYTERLAB = """
<div id="saidas"></div><script>
const saidas = %s;
for (const h of saidas) {
  const area = document.createElement("div"); area.className = "jp-OutputArea-output";
  document.getElementById("saidas").appendChild(area);
  area.innerHTML = h;
  for (const velho of area.querySelectorAll("script")) {
    const novo = document.createElement("script"); novo.textContent = velho.textContent;
    velho.replaceWith(novo);
  }
}
</script>"""


def test_saida_gravada_funciona_fora_do_livro(chromium, notebook_executado, tmp_path):
    saidas = saidas_html(notebook_executado)
    assert len(saidas) == 2, "as células do explorador não gravaram saída text/html"
    planos = [c for c in notebook_executado.cells if c.cell_type == "code"][1]["outputs"][0]["data"]
    assert "Explorador de" in planos["text/plain"]
    # Três jeitos de mostrar a saída gravada: direto na página (Jupyter clássico, nbconvert),
    # como o JupyterLab (innerHTML e scripts recriados) e cada uma num iframe (Colab).
    (tmp_path / "direto.html").write_text(pagina_html("".join(saidas)), encoding="utf-8")
    (tmp_path / "jupyterlab.html").write_text(
        pagina_html(_COMO_JUPYTERLAB % json.dumps(saidas).replace("</", "<\\/")), encoding="utf-8")
    quadros = "".join(f'<iframe style="width:100%;height:1000px;border:0" title="saída {i}" '
                      f'srcdoc="{html.escape(pagina_html(s), quote=True)}"></iframe>'
                      for i, s in enumerate(saidas))
    (tmp_path / "colab.html").write_text(pagina_html(quadros), encoding="utf-8")
    rng = random.Random(7)
    with navegador.servir(tmp_path) as endereco:
        for nome in ("direto", "jupyterlab", "colab"):
            contexto, pagina, registro = abrir(chromium, endereco + f"{nome}.html")
            try:
                if nome == "colab":
                    raizes = [pagina.frame_locator(f"iframe >> nth={i}").locator(EXPLORADOR) for i in range(2)]
                else:
                    raizes = [pagina.locator(EXPLORADOR).nth(i) for i in range(2)]
                    assert pagina.locator(EXPLORADOR).count() == 2
                for raiz in raizes:
                    assert raiz.locator('[data-cc="aviso"]').is_hidden()
                    motorista = dirigir(pagina, raiz, rng, 4)
                    assert motorista.conferidas >= 1
                assert registro.problemas() == [], nome
            finally:
                contexto.close()


# ------------------------------------------------------------------ o livro montado

def paginas_com_explorador(livro):
    return sorted(p for p in (livro / "html").rglob("*.html")
                  if "data-cc-explorador" in p.read_text(encoding="utf-8", errors="replace")
                  and "_sources" not in p.parts)


@pytest.fixture(scope="module")
def site(livro):
    paginas = paginas_com_explorador(livro)
    if not paginas:
        pytest.fail("Nenhuma página do livro montado tem o explorador interativo: insira a célula "
                    "`figuras.explorador(...)` nas lições 1, 3 e 4 e execute-as (veja cursoconv/explorador.py).",
                    pytrace=False)
    with navegador.servir(livro / "html") as endereco:
        yield endereco, [str(p.relative_to(livro / "html")) for p in paginas]


def test_livro_explorador_igual_ao_python(chromium, site):
    endereco, paginas = site
    rng = random.Random(13)
    conferidas, modos = 0, set()
    por_pagina = max(20, -(-60 // len(paginas)))
    for caminho in paginas:
        contexto, pagina, registro = abrir(chromium, endereco + caminho)
        try:
            raizes = pagina.locator(EXPLORADOR)
            quantos = raizes.count()
            assert quantos >= 1, f"{caminho}: o explorador não iniciou (JavaScript não rodou?)"
            for indice in range(quantos):
                motorista = dirigir(pagina, raizes.nth(indice), rng, -(-por_pagina // quantos))
                conferidas += motorista.conferidas
                modos |= motorista.modos
            assert registro.problemas() == [], caminho
        finally:
            contexto.close()
    assert conferidas >= 50


def test_livro_explorador_cabe_em_390px_teclado_e_tema(chromium, site):
    endereco, paginas = site
    for caminho in paginas:
        for esquema in ("light", "dark"):
            contexto, pagina, registro = abrir(chromium, endereco + caminho, CELULAR, esquema=esquema)
            try:
                pagina.wait_for_function("() => document.documentElement.dataset.theme")
                raizes = pagina.locator(EXPLORADOR)
                for indice in range(raizes.count()):
                    raiz = raizes.nth(indice)
                    assert fundo_escuro(raiz) is (esquema == "dark"), f"{caminho}: não segue o tema {esquema}"
                    conferir_largura(raiz)
                largura = pessoa.medir_largura(pagina)
                assert largura["rolagem"] <= largura["largura"] and not largura["vazam"], largura
                if esquema == "light":
                    raiz = raizes.first
                    raiz.locator(".cc-titulo").evaluate("t => { t.tabIndex = -1; t.focus(); }")
                    passar_com_teclado(pagina, raiz)
                assert registro.problemas() == [], caminho
            finally:
                contexto.close()


def test_apostila_de_pagina_unica_sem_ids_repetidos(chromium, livro, site):
    """A apostila junta as lições numa página: cada explorador inicia, com ids só seus."""
    marca = '<div class="cc-explorador" id='
    paginas = {p: p.read_text(encoding="utf-8").count(marca) for p in (livro / "singlehtml").glob("*.html")}
    unica, esperados = max(paginas.items(), key=lambda item: item[1])
    assert esperados >= 1, "a página única da apostila não tem o explorador"
    with navegador.servir(livro / "singlehtml") as endereco:
        contexto, pagina, registro = abrir(chromium, endereco + unica.name)
        try:
            assert pagina.locator(EXPLORADOR).count() == esperados
            repetidos = pagina.evaluate("""() => { const vistos = {}, rep = [];
                for (const e of document.querySelectorAll('[id]')) { if (vistos[e.id]) rep.push(e.id); vistos[e.id] = 1; }
                return rep.filter(i => i.startsWith('cc-exp-')); }""")
            assert repetidos == []
            dirigir(pagina, pagina.locator(EXPLORADOR).last, random.Random(5), 3)
            assert registro.problemas() == []
        finally:
            contexto.close()


# ------------------------------------------------------------------ o que a pessoa digita

TELAS_DIGITAR = {"390px": CELULAR, "1366px": {"width": 1366, "height": 900}}


def digitar(pagina, campo, texto):
    """Como uma pessoa: toca no campo, seleciona tudo, digita e sai com Tab."""
    campo.click()
    pagina.keyboard.press("Control+a")
    if texto:
        pagina.keyboard.type(texto)
    else:
        pagina.keyboard.press("Backspace")  # apaga tudo
    pagina.keyboard.press("Tab")


def estado_de(raiz):
    return json.loads(raiz.get_attribute("data-estado"))


@pytest.mark.parametrize("tela", TELAS_DIGITAR)
def test_numero_fora_do_intervalo_e_recusado_com_aviso_ao_lado(chromium, pagina_de_teste, tela):
    contexto, pagina, registro = abrir(chromium, pagina_de_teste, TELAS_DIGITAR[tela])
    try:
        raiz = pagina.locator(EXPLORADOR).first
        campo = raiz.locator('[data-cc-controle="n"][data-cc-eixo="0"]')
        antes = estado_de(raiz)
        for digitado in ("11", "0", ""):
            digitar(pagina, campo, digitado)
            depois = estado_de(raiz)
            # Nada de trocar o que foi digitado: o campo mostra o que a pessoa escreveu...
            assert campo.input_value() == digitado
            # ... e o explorador não tomou "11" por 1 (nem sorteou outra entrada).
            assert depois["n"] == antes["n"] and depois["X"] == antes["X"], (digitado, depois["n"])
            assert campo.get_attribute("aria-invalid") == "true", digitado
            aviso = raiz.locator("#" + campo.get_attribute("aria-describedby"))
            assert aviso.is_visible(), digitado
            texto = aviso.inner_text()
            assert "de 1 a 10" in texto and "Entrada" in texto and f"continua com {antes['n'][0]}" in texto, texto
            if digitado:
                assert f"«{digitado}»" in texto
            # O aviso fica junto do campo (logo abaixo dele) e dentro da tela.
            c, a = campo.bounding_box(), aviso.bounding_box()
            assert 0 <= a["y"] - (c["y"] + c["height"]) < 80 and a["x"] >= 0, (c, a)
            assert a["x"] + a["width"] <= TELAS_DIGITAR[tela]["width"]
        medida = raiz.evaluate(_VAZA)
        assert not medida["vazam"] and medida["rolagem"] <= medida["largura"], medida
        # Um valor do intervalo é tomado exatamente, e o aviso some.
        digitar(pagina, campo, "7")
        assert estado_de(raiz)["n"][0] == 7 and campo.input_value() == "7"
        assert campo.get_attribute("aria-invalid") == "false"
        assert raiz.locator("#" + campo.get_attribute("aria-describedby")).is_hidden()
        assert registro.problemas() == []
    finally:
        contexto.close()


def test_mensagem_so_fala_dos_controles_que_o_explorador_tem(chromium, pagina_de_teste):
    """A lição 1 (só entrada e núcleo): "não cabe" não manda mexer no preenchimento nem na dilatação."""
    contexto, pagina, registro = abrir(chromium, pagina_de_teste)
    try:
        raizes = pagina.locator(EXPLORADOR)
        licao1, completo = raizes.nth(2), raizes.nth(0)
        for raiz, ajustes in ((licao1, (("k", 5), ("n", 2))), (completo, (("k", 5), ("d", 3), ("n", 2)))):
            motorista = Motorista(pagina, raiz, random.Random(0))
            for nome, valor in ajustes:
                motorista.ajustar(nome, 0, valor)
            erro = motorista.ler()["erro"].lower()
            assert "não cabe" in erro, erro
            controles = motorista.controles()
            for nome, rotulo in modulo.CONTROLES.items():
                citado = {"n": "entrada", "k": "núcleo", "p": "preenchimento", "s": "passo", "d": "dilatação"}[nome]
                if nome not in controles and nome not in "nk":
                    assert citado not in erro, (controles, erro)
            if "d" in controles:
                assert "dilatação" in erro  # com o controle, a mensagem pode (e deve) citá-lo
        assert registro.problemas() == []
    finally:
        contexto.close()


def test_igual_para_valor_exato_e_aproximado_so_para_arredondado(chromium, tmp_path):
    media = figuras.explorador(modo="media", X=[[1, 0, 0, 3, 3, 3]], k=(1, 3), s=(1, 3), controles=("n",))
    (tmp_path / "index.html").write_text(pagina_html(media.html), encoding="utf-8")
    with navegador.servir(tmp_path) as endereco:
        contexto, pagina, registro = abrir(chromium, endereco)
        try:
            raiz = pagina.locator(EXPLORADOR)
            conta = raiz.locator('[data-cc="conta"]')
            assert conta.inner_text() == "(1 + 0 + 0) / 3 = 1 / 3 ≈ 0,33"  # 1/3 arredondado
            raiz.get_by_role("button", name="Próxima").click()
            assert conta.inner_text() == "(3 + 3 + 3) / 3 = 9 / 3 = 3"      # exato
            assert "≈" not in raiz.inner_text().replace(conta.inner_text(), "")
            assert registro.problemas() == []
        finally:
            contexto.close()
