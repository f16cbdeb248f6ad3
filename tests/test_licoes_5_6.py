"""Lições 5 e 6: cada título e legenda nomeia uma rede, há validação, o teste é lido uma vez por estudo,
nenhum texto manda parar pelo teste, e cada lição tem o seu tempo medido na CPU e na GPU."""
import re

import nbformat
import pytest

from ferramentas import cabecalho, repositorio

L5 = repositorio.LICOES / "05-lenet5-fashion-mnist.ipynb"
L6 = repositorio.LICOES / "06-avaliar-e-comparar.ipynb"
REDES = ("LeNet-5 moderna", "LeNet-5 sem agrupamento", "LeNet-5 de 1998")
# Quantas vezes cada lição lê o conjunto de teste: uma por estudo (lição 6: a LeNet-5 moderna e a sem agrupamento).
ESTUDOS = {L5: 0, L6: 2}
LEITURA_DO_TESTE = re.compile(r"(previsoes|evaluate_accuracy|avaliar)\([^)]*\btest_iter\b")
TREINO_COM_TESTE = re.compile(r"(train_validate|treinar)\([^)]*\btest_iter\b")


def ler(caminho):
    return nbformat.read(caminho, as_version=4)


def redes_citadas(texto):
    return [rede for rede in REDES if rede in texto]


def secoes_com_figuras(nb):
    """(título da seção, legenda) de cada figura, com o título mais próximo acima dela."""
    titulo, pares = None, []
    for celula in nb.cells:
        if celula.cell_type == "markdown":
            for linha in celula.source.splitlines():
                if re.match(r"#{2,4} ", linha):
                    titulo = linha.lstrip("#").strip()
        figura = celula.metadata.get("mystnb", {}).get("figure")
        if celula.cell_type == "code" and figura:
            pares.append((titulo, figura["caption"]))
    return pares


@pytest.mark.parametrize("caminho", [L5, L6], ids=lambda c: c.stem)
def test_titulos_e_legendas_nomeiam_uma_rede(caminho):
    pares = secoes_com_figuras(ler(caminho))
    assert pares, "a lição não tem figuras?"
    for titulo, legenda in pares:
        na_legenda = redes_citadas(legenda)
        assert len(na_legenda) == 1, f"a legenda deve nomear uma rede ({REDES}): {legenda!r}"
        assert redes_citadas(titulo) == na_legenda, \
            f"o título da seção {titulo!r} deve nomear a rede da figura, {na_legenda[0]}"


def test_o_titulo_de_uma_figura_sem_rede_falha():
    """O teste acima pega uma seção cujo título não diz a rede."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## Curvas de aprendizado")])
    figura = nbformat.v4.new_code_cell("fig = 1")
    figura.metadata["mystnb"] = {"figure": {"caption": "Perda da LeNet-5 moderna."}}
    nb.cells.append(figura)
    [(titulo, legenda)] = secoes_com_figuras(nb)
    assert redes_citadas(titulo) != redes_citadas(legenda)


def codigo(nb, com_solucoes=True):
    return [c.source for c in nb.cells if c.cell_type == "code"
            and (com_solucoes or "solucao" not in c.metadata.get("tags", []))]


@pytest.mark.parametrize("caminho", [L5, L6], ids=lambda c: c.stem)
def test_validacao_separada_e_teste_lido_uma_vez_por_estudo(caminho):
    fontes = codigo(ler(caminho))
    tudo = "\n".join(fontes)
    assert re.search(r"utils\.dividir_validacao\(train_iter, tamanho=tamanho_validacao, semente=0\)", tudo)
    assert "tamanho_validacao = 10_000" in tudo, "o tamanho da validação deve estar escrito na lição"
    assert not TREINO_COM_TESTE.search(tudo), "o treino avalia no teste a cada época: use valid_iter"
    leituras = [linha for linha in tudo.splitlines() if LEITURA_DO_TESTE.search(linha)]
    assert len(leituras) == ESTUDOS[caminho], leituras
    assert all("a única passada pelo teste neste estudo" in linha or "a única passada pelo conjunto de teste" in linha
               for linha in leituras), "cada leitura do teste diz que é a única do estudo"


def test_leitura_do_teste_a_cada_epoca_seria_pega():
    assert TREINO_COM_TESTE.search("h = utils.train_validate(net, train_iter, test_iter, 128, opt, loss, 10)")
    assert LEITURA_DO_TESTE.search("acc, perda = utils.evaluate_accuracy(test_iter, net, loss)")


PARAR_PELO_TESTE = re.compile(
    r"(parar|parada|interromper)[^.:;]*\b(perda|acurácia) de teste|(perda|acurácia) de teste[^.:;]*(deixa de cair|parar)",
    re.IGNORECASE)


def frases(texto):
    return re.split(r"(?<=[.!?])\s+", re.sub(r"\*+", "", texto))


@pytest.mark.parametrize("caminho", [L5, L6], ids=lambda c: c.stem)
def test_nenhum_texto_manda_parar_pelo_teste(caminho):
    for celula in ler(caminho).cells:
        if celula.cell_type != "markdown":
            continue
        for frase in frases(celula.source):
            if PARAR_PELO_TESTE.search(frase):
                # Só vale citar a ideia para condená-la (o exercício da época de parada faz isso).
                assert re.search(r"\b(não|nunca|otimista|colega propõe)\b", frase), frase


def test_o_conselho_antigo_seria_pego():
    antigo = ("Mais épocas dariam pouco; para ir além, o habitual é mais dados, mais decaimento de pesos, "
              "ou parar o treino quando a perda de teste deixa de cair.")
    assert any(PARAR_PELO_TESTE.search(f) for f in frases(antigo))


@pytest.mark.parametrize("caminho", [L5, L6], ids=lambda c: c.stem)
def test_sobreajuste_e_validacao_tem_nome(caminho):
    texto = "\n".join(c.source for c in ler(caminho).cells if c.cell_type == "markdown")
    assert "conjunto de validação" in texto
    if caminho == L5:
        assert "**sobreajuste** (*overfitting*)" in texto
        assert "dropout" in texto.lower(), "a lição explica a diferença da época 1 sem recorrer ao dropout"


# ---------------------------------------------------------------------------------------------
# Tempos medidos: toda lição tem uma medida na CPU de 2 núcleos (no máximo 10 min) e uma na GPU.
# ---------------------------------------------------------------------------------------------
LIMITE_CPU = 600


def problemas_de_tempo(tempos, licoes):
    problemas = []
    for licao in licoes:
        medidas = tempos.get(licao, {})
        cpu, gpu = medidas.get("cpu"), medidas.get("gpu")
        if not cpu:
            problemas.append(f"{licao}: falta o tempo na CPU (python -m ferramentas.executar numa CPU de 2 núcleos)")
        elif cpu["segundos"] > LIMITE_CPU or not re.search(r"\b2 núcleos\b", cpu["maquina"]):
            problemas.append(f"{licao}: na CPU, {cpu['segundos']} s em {cpu['maquina']!r}; "
                             f"o limite é {LIMITE_CPU} s numa máquina de 2 núcleos")
        if not gpu:
            problemas.append(f"{licao}: falta o tempo na GPU (a execução que gravou as saídas)")
    return problemas


def test_cada_licao_tem_tempo_na_cpu_e_na_gpu():
    tempos = repositorio.ler_yaml(repositorio.TEMPOS)
    problemas = problemas_de_tempo(tempos, [c.stem for c in repositorio.licoes()])
    assert not problemas, "\n".join(problemas)


def test_tempo_demais_ou_sem_gpu_seria_pego():
    cpu = {"segundos": 700.0, "maquina": "Intel(R) Xeon(R) Processor, 2 núcleos"}
    assert problemas_de_tempo({"x": {"cpu": cpu}}, ["x"]) and len(problemas_de_tempo({"x": {"cpu": cpu}}, ["x"])) == 2
    cpu16 = {"segundos": 100.0, "maquina": "AMD EPYC, 16 núcleos"}
    assert problemas_de_tempo({"x": {"cpu": cpu16, "gpu": {"segundos": 9}}}, ["x"])
    ok = {"segundos": 100.0, "maquina": "AMD EPYC, 2 núcleos"}
    assert not problemas_de_tempo({"x": {"cpu": ok, "gpu": {"segundos": 9}}}, ["x"])


def problemas_do_tempo_no_topo(primeira_celula, medidas):
    """O tempo para rodar a lição, logo abaixo do título e do selo: CPU e GPU, como em tempos.yml."""
    linhas = primeira_celula.split("\n")
    if len(linhas) < 3 or not linhas[2].startswith(cabecalho.MARCA_TEMPO):
        return ["a 3ª linha da primeira célula (abaixo do título e do selo) não é a do tempo para rodar"]
    return [f"falta '{cabecalho.duracao(medidas[tipo]['segundos'])} {nome}' na linha do tempo"
            for tipo, nome in (("cpu", "numa CPU"), ("gpu", "numa GPU"))
            if tipo not in medidas
            or f"{cabecalho.duracao(medidas[tipo]['segundos'])} {nome}" not in linhas[2]]


@pytest.mark.parametrize("licao", repositorio.licoes(), ids=lambda c: c.stem)
def test_cada_licao_diz_no_topo_quanto_tempo_leva(licao):
    nb = nbformat.read(licao, as_version=4)
    medidas = repositorio.ler_yaml(repositorio.TEMPOS)[licao.stem]
    assert problemas_do_tempo_no_topo(nb.cells[0].source, medidas) == []


def test_tempo_no_topo_faltando_ou_velho_seria_pego():
    medidas = {"cpu": {"segundos": 301.8, "maquina": "Xeon, 2 núcleos"},
               "gpu": {"segundos": 38.0, "maquina": "NVIDIA H200"}}
    sem = "# Lição\n<p class=\"selo-colab\">...</p>\n\nTexto."
    assert problemas_do_tempo_no_topo(sem, medidas)
    velho = "# Lição\n<p>selo</p>\n" + cabecalho.linha_tempo({**medidas, "cpu": {**medidas["cpu"], "segundos": 250}})
    assert problemas_do_tempo_no_topo(velho, medidas) == ["falta '5 min 02 s numa CPU' na linha do tempo"]
    certo = "# Lição\n<p>selo</p>\n" + cabecalho.linha_tempo(medidas)
    assert problemas_do_tempo_no_topo(certo, medidas) == []
