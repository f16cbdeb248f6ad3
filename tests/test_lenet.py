"""Testes de cursoconv.lenet e da lição 5: modelos, laço de treino, tabela de camadas, matriz de confusão e figuras."""
import matplotlib
import pytest
import torch
from torch import nn

from cursoconv import figuras, lenet

matplotlib.use("Agg")


def test_contagem_de_parametros_das_duas_lenets():
    assert lenet.contar_parametros(lenet.lenet5_variante()) == 4_083_626
    assert lenet.contar_parametros(lenet.lenet5_moderna()) == 61_706
    # F6 da variante: 48000 entradas para cada um dos 84 neurônios, mais os vieses.
    assert lenet.contar_parametros(lenet.lenet5_variante().F6) == 48000 * 84 + 84


@pytest.mark.parametrize("construtor, formas", [
    (lenet.lenet5_variante, {"C1": (6, 28, 28), "C3": (16, 24, 24), "C5": (120, 20, 20),
                             "achatar": (48000,), "saida": (10,)}),
    (lenet.lenet5_moderna, {"C1": (6, 28, 28), "S2": (6, 14, 14), "C3": (16, 10, 10),
                             "S4": (16, 5, 5), "C5": (120, 1, 1), "saida": (10,)}),
])
def test_formas_de_saida_de_cada_camada(construtor, formas):
    linhas = {nome: (forma, p) for nome, _, forma, p in lenet.camadas(construtor())}
    for nome, forma in formas.items():
        assert linhas[nome][0] == forma
    assert construtor()(torch.zeros(3, 1, 32, 32)).shape == (3, 10)


def test_tabela_de_camadas_traz_formas_e_total():
    tabela = lenet.tabela_camadas(lenet.lenet5_moderna())
    assert "(16, 5, 5)" in tabela and tabela.splitlines()[-1].split()[-1] == "61.706"
    assert len(tabela.splitlines()) == 2 + len(lenet.lenet5_moderna()) + 1


def test_matriz_de_confusao_conta_cada_par():
    reais = torch.tensor([0, 0, 1, 2, 2, 2])
    previstos = torch.tensor([0, 1, 1, 2, 0, 2])
    M = lenet.matriz_de_confusao(previstos, reais, classes=3)
    assert M.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    assert M.sum() == 6 and M.diag().sum() == 4


def test_previsoes_percorrem_todo_o_iterador():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Flatten(), nn.Linear(4, 3))
    dados = [(torch.randn(5, 1, 2, 2), torch.tensor([0, 1, 2, 0, 1])) for _ in range(3)]
    previstos, reais = lenet.previsoes(net, dados)
    assert len(previstos) == 15 and torch.equal(reais, torch.cat([y for _, y in dados]))
    esperado = torch.cat([net(X).argmax(1) for X, _ in dados])
    assert torch.equal(previstos, esperado)


def test_figuras_desenham_o_que_recebem():
    net = lenet.lenet5_moderna()
    fig = figuras.desenhar_arquitetura(net)
    textos = {t.get_text() for t in fig.axes[0].texts}
    assert {"C1", "S4", "16×5×5", "120×1×1", "saída"} <= textos
    assert any(t.endswith("156 parâm.") for t in textos)  # C1: 6·(5·5) + 6
    assert len(figuras.desenhar_filtros(net.C1.weight).axes) == 6
    assert len(figuras.desenhar_mapas(torch.rand(4, 8, 8)).axes) == 4
    M = torch.arange(100).reshape(10, 10)
    assert fig_texto(figuras.desenhar_matriz_de_confusao(M), "99")
    X, y = torch.rand(3, 1, 32, 32), torch.tensor([1, 2, 3])
    assert len([a for a in figuras.desenhar_previsoes(net, X, y).axes if a.images]) == 3


def test_previsoes_e_figura_devolvem_a_rede_no_modo_em_que_estava():
    # Antes (segunda passada de fuzzing): lenet.previsoes e figuras.desenhar_previsoes deixavam a rede
    # em net.eval(), e um laço de treino escrito à mão depois delas treinava em modo de avaliação.
    net, X, y = lenet.lenet5_moderna(), torch.rand(3, 1, 32, 32), torch.tensor([1, 2, 3])
    lenet.previsoes(net, [(X, y)])
    assert net.training
    figuras.desenhar_previsoes(net, X, y)
    assert net.training
    net.eval()
    lenet.previsoes(net, [(X, y)])
    assert not net.training


@pytest.mark.parametrize("chamada, trecho", [
    # antes: RuntimeError em inglês (Kernel size can't be greater than actual input size)
    (lambda: lenet.tabela_camadas(lenet.lenet5_moderna(), (1, 1, 28, 28)), "C5"),
    # antes: RuntimeError em inglês (mat1 and mat2 shapes cannot be multiplied)
    (lambda: figuras.desenhar_arquitetura(nn.Sequential(nn.Flatten(), nn.Linear(784, 10))), "forma_entrada"),
    (lambda: lenet.tabela_camadas(lenet.lenet5_moderna(), (1, 32, 32)), "4 números"),
])
def test_tabela_de_camadas_com_entrada_que_nao_passa_explica_em_portugues(chamada, trecho):
    with pytest.raises(ValueError, match=trecho):
        chamada()


def test_tabela_de_camadas_de_rede_sem_parametros():
    # antes: StopIteration sem mensagem nenhuma (next() sobre os parâmetros de uma rede sem pesos)
    assert "total" in lenet.tabela_camadas(nn.Sequential(nn.AvgPool2d(2), nn.Flatten()))


def test_curvas_de_um_treino_avaliado_no_teste():
    # Antes (segunda passada de fuzzing): o histórico de train_validate(..., test_iter, ...), sem
    # dividir_validacao, dava KeyError: 'perda_validacao'. Agora as curvas de teste saem com esse nome.
    hist = {"perda_treino": [1.0, 0.5], "perda_teste": [1.1, 0.7],
            "acuracia_treino": [0.6, 0.8], "acuracia_teste": [0.5, 0.75], "tempo": [1, 1]}
    fig = figuras.desenhar_curvas(hist, "LeNet-5 moderna")
    assert [l.get_label() for l in fig.axes[1].lines] == ["treino", "teste"]
    assert list(fig.axes[1].lines[1].get_ydata()) == [0.5, 0.75]


def test_figuras_da_lenet_aceitam_o_que_o_estudante_passa():
    # Antes (terceira passada de fuzzing): a camada (net.C1) nos filtros, os mapas de um lote de uma imagem
    # (net.C1(X[:1])) e listas na matriz de confusão davam erros em inglês; uma rede em double, na tabela, culpava
    # a forma da entrada ("Input type (float) and bias type (double)")
    net = lenet.lenet5_moderna()
    assert len(figuras.desenhar_filtros(net.C1).axes) == 6
    assert len(figuras.desenhar_mapas(net.C1(torch.rand(1, 1, 32, 32))).axes) == 6
    assert lenet.matriz_de_confusao([1, 2], [1, 3]).tolist()[3][2] == 1
    assert fig_texto(figuras.desenhar_matriz_de_confusao(torch.eye(10).numpy()), "1")
    assert "61.706" in lenet.tabela_camadas(lenet.lenet5_moderna().double())
    assert figuras.desenhar_arquitetura(lenet.lenet5_moderna().double())


@pytest.mark.parametrize("chamada, trecho", [
    # antes: "Invalid shape (5,) for image data", do matplotlib, ou só o 1º canal de cada filtro, calado
    (lambda: figuras.desenhar_filtros(torch.rand(6, 5, 5)), "c_o×1×k×k"),
    (lambda: figuras.desenhar_filtros(lenet.lenet5_moderna().C3.weight), r"net.C3.weight\[:, :1\]"),
    (lambda: figuras.desenhar_filtros(torch.full((6, 1, 5, 5), float("nan"))), "sem NaN"),
    # antes: "Invalid shape (6, 28, 28) for image data"
    (lambda: figuras.desenhar_mapas(torch.rand(8, 6, 28, 28)), r"mapas\[0\]"),
    # antes: AttributeError ('tuple' object has no attribute 'numpy'); uma matriz 3×3 saía com 10 nomes de classe
    (lambda: figuras.desenhar_matriz_de_confusao((torch.tensor([1]), torch.tensor([1]))), r"matriz_de_confusao\(\*"),
    (lambda: figuras.desenhar_matriz_de_confusao(torch.ones(3, 3)), "10×10"),
    (lambda: figuras.desenhar_matriz_de_confusao(torch.full((10, 10), 0.5)), "contagens"),
    # antes: "The size of tensor a (2) must match the size of tensor b (3)"
    (lambda: lenet.matriz_de_confusao(torch.tensor([1, 2, 3]), torch.tensor([1, 2])), "do mesmo tamanho"),
    # antes: IndexError, ZeroDivisionError, "Number of rows must be a positive integer" e 12 s para 1.000 imagens
    (lambda: figuras.desenhar_previsoes(lenet.lenet5_moderna(), torch.rand(8, 1, 32, 32), torch.ones(4)), "8 imagens, 4"),
    (lambda: figuras.desenhar_previsoes(lenet.lenet5_moderna(), torch.rand(2, 1, 32, 32), [1, 2], colunas=0), "colunas"),
    (lambda: figuras.desenhar_previsoes(lenet.lenet5_moderna(), torch.rand(0, 1, 32, 32), []), "de 1 a 64"),
    # antes: RuntimeError em inglês, de dentro da rede
    (lambda: lenet.previsoes(lenet.lenet5_moderna(), [(torch.rand(2, 1, 28, 28), torch.ones(2))]), "32, 32"),
    (lambda: lenet.previsoes(lenet.lenet5_moderna(), [(torch.rand(2, 1, 32, 32).double(), torch.ones(2))]),
     r"X.float\(\)"),
    # antes: "Attempted to use an uninitialized parameter", em inglês
    (lambda: lenet.contar_parametros(nn.Sequential(nn.LazyLinear(10))), "preguiçosas"),
])
def test_figuras_da_lenet_explicam_o_erro_em_portugues(chamada, trecho):
    with pytest.raises((ValueError, TypeError), match=trecho):
        chamada()


def test_arquitetura_diz_o_nucleo_e_a_ativacao_de_cada_rede():
    # Antes (terceira passada de fuzzing): toda convolução saía como "convolução 5×5 + tanh" (uma 3×3 com ReLU
    # também), o MaxPool2d sumia da figura, calado, e nn.Linear sozinha desenhava só a entrada
    net = nn.Sequential(nn.Conv2d(1, 6, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                        nn.Linear(6 * 16 * 16, 10))
    textos = {t.get_text() for t in figuras.desenhar_arquitetura(net).axes[0].texts}
    assert "convolução 3×3 + ReLU · 60 parâm." in textos and "máximo 2×2" in textos
    lenet5 = {t.get_text() for t in figuras.desenhar_arquitetura(lenet.lenet5_moderna()).axes[0].texts}
    assert "convolução 5×5 + tanh · 156 parâm." in lenet5 and "subamostragem 2×2" in lenet5
    with pytest.raises(ValueError, match="rede com camadas"):
        figuras.desenhar_arquitetura(nn.Linear(1024, 10))


def fig_texto(fig, texto):
    return any(t.get_text() == texto for t in fig.axes[0].texts)


# --------------------------------------------------------------------------
# A lição 5 escreve as redes e o laço de treino; o módulo guarda cópias iguais.
# --------------------------------------------------------------------------
import ast  # noqa: E402
import inspect  # noqa: E402
import textwrap  # noqa: E402
import time  # noqa: E402
from collections import OrderedDict  # noqa: E402
from pathlib import Path  # noqa: E402

import nbformat  # noqa: E402

from cursoconv import formato, utils  # noqa: E402

LICOES = Path(__file__).resolve().parents[1] / "lessons"
LICAO = LICOES / "05-lenet5-fashion-mnist.ipynb"
LICAO6 = LICOES / "06-avaliar-e-comparar.ipynb"


@pytest.fixture(scope="module")
def licao():
    return nbformat.read(LICAO, as_version=4)


@pytest.fixture(scope="module")
def licao6():
    return nbformat.read(LICAO6, as_version=4)


def definicoes(nb):
    """Nome -> código de cada função definida no nível de cima de uma célula (fora das soluções)."""
    achadas = {}
    for celula in nb.cells:
        if celula.cell_type != "code" or "solucao" in celula.metadata.get("tags", []):
            continue
        for no in ast.parse(celula.source).body:
            if isinstance(no, ast.FunctionDef):
                achadas.setdefault(no.name, ast.get_source_segment(celula.source, no))
    return achadas


def da_licao(nb, nome):
    """Executa a definição de ``nome`` escrita na lição e devolve a função."""
    espaco = {"nn": nn, "torch": torch, "OrderedDict": OrderedDict, "time": time,
              "utils": utils, "formato": formato}
    exec(definicoes(nb)[nome], espaco)
    return espaco[nome]


@pytest.mark.parametrize("nome", ["lenet5_variante", "lenet5_moderna"])
def test_redes_da_licao_sao_as_do_modulo(licao, licao6, nome):
    licao = licao6 if nome == "lenet5_variante" else licao  # a rede sem agrupamento está na lição 6
    codigo = definicoes(licao)[nome]
    assert codigo.strip() == textwrap.dedent(inspect.getsource(getattr(lenet, nome))).strip(), \
        f"{nome} da lição difere de cursoconv/lenet.py"
    construtor = da_licao(licao, nome)
    torch.manual_seed(3)
    da_aula = construtor()
    torch.manual_seed(3)
    do_modulo = getattr(lenet, nome)()
    assert str(da_aula) == str(do_modulo)
    assert lenet.contar_parametros(da_aula) == lenet.contar_parametros(do_modulo)
    a, b = da_aula.state_dict(), do_modulo.state_dict()
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def _treinar_com_train_validate(net, train_iter, test_iter, otimizador, loss, epocas):
    """``train_validate`` no laço comum (sem grafo CUDA), com o nome de opção que o módulo tiver."""
    opcoes = inspect.signature(utils.train_validate).parameters
    comum = {"grafo_cuda": False} if "grafo_cuda" in opcoes else {"rapido": False}
    return utils.train_validate(net, train_iter, test_iter, 128, otimizador, loss, epocas,
                                device="cpu", barra=False, **comum)


def test_laco_da_licao_e_train_validate_dao_os_mesmos_pesos(licao, monkeypatch, capsys):
    monkeypatch.setenv("CURSO_RAPIDO", "1")
    treinar = da_licao(licao, "treinar")
    train_iter, test_iter = utils.load_data_fashion_mnist(128, resize=32)
    loss = nn.CrossEntropyLoss()
    pesos, historicos = [], []
    for rodada in ("lição", "módulo"):
        utils.fixar_semente(0)
        net = lenet.lenet5_moderna()
        iniciais = [p.detach().clone() for p in net.parameters()]
        otimizador = torch.optim.SGD(net.parameters(), lr=0.1, weight_decay=1e-6)
        if rodada == "lição":
            h = treinar(net, train_iter, test_iter, otimizador, loss, 2, torch.device("cpu"))
        else:
            h = _treinar_com_train_validate(net, train_iter, test_iter, otimizador, loss, 2)
        assert not any(torch.equal(a, p) for a, p in zip(iniciais, net.parameters())), "os pesos não mudaram"
        pesos.append(net.state_dict())
        historicos.append(h)
    da_aula, do_modulo = pesos
    for chave in da_aula:
        assert torch.equal(da_aula[chave], do_modulo[chave]), f"{chave} difere entre o laço da lição e train_validate"
    h1, h2 = historicos
    # As chaves são as mesmas na mesma ordem (perda e acurácia de treino, depois as do segundo conjunto).
    (pt1, at1, pv1, av1, _), (pt2, at2, pv2, av2, _) = list(h1.values()), list(h2.values())
    assert at1 == at2 and av1 == av2
    assert pt1 == pytest.approx(pt2, rel=1e-5)
    assert pv1 == pytest.approx(pv2, rel=1e-6)
    saida = capsys.readouterr().out
    assert "época 2: perda treino " in saida and "," in saida.split("época 2: perda treino ")[1][:4]


def test_laco_da_licao_segue_o_molde(licao):
    """Os cinco passos, na ordem, e as médias por amostra."""
    codigo = definicoes(licao)["treinar"]
    ordem = ["net.train()", "X, y = X.to(disp), y.to(disp)", "y_hat = net(X)", "l = loss(y_hat, y)",
             "otimizador.zero_grad()", "l.backward()", "otimizador.step()", "l.item() * len(y)",
             "utils.evaluate_accuracy(valid_iter, net, loss)"]
    posicoes = [codigo.index(trecho) for trecho in ordem]
    assert posicoes == sorted(posicoes)
    assert "trainer" not in "\n".join(c.source for c in licao.cells if c.cell_type == "code")


@pytest.mark.parametrize("qual, minimo", [("05", 3), ("06", 6)])
def test_figuras_da_licao_tem_legenda_e_texto_alternativo_proprios(licao, licao6, qual, minimo):
    legendas, alts, nomes = [], [], []
    for celula in (licao if qual == "05" else licao6).cells:
        meta = celula.metadata.get("mystnb")
        if celula.cell_type != "code" or not meta:
            continue
        assert celula.source.count("fig = ") + celula.source.count("_ = ") == 1, "uma figura por célula"
        legendas.append(meta["figure"]["caption"])
        alts.append(meta["image"]["alt"])
        nomes.append(meta["figure"]["name"])
    assert len(legendas) >= minimo
    for lista in (legendas, alts, nomes):
        assert len(lista) == len(set(lista))
    assert all(n.startswith(f"fig-l{int(qual)}-") for n in nomes)


def test_licao_sem_escritas_que_a_issue_corrigiu(licao):
    texto = "\n".join(c.source for c in licao.cells)
    for proibido in ("tomada por", "platô inicial em", "como no artigo de 1998", "o exercício 1",
                     "Treinamento", "filtro ", "filtros ", "OrderedDict(\n    (", ".replace(\",\", \".\")"):
        assert proibido not in texto, proibido
    assert "decaimento de pesos (*weight decay*" in texto
    assert "{ref}`ex-l6-lr`" in texto


@pytest.mark.parametrize("qual", ["licao5", "licao6"])
def test_cada_exercicio_tem_verificador_ou_criterios(licao, licao6, qual):
    import importlib
    modulo = importlib.import_module(f"cursoconv.exercicios.{qual}")
    nb = licao if qual == "licao5" else licao6
    texto = "\n".join(c.source for c in nb.cells)
    rotulos = {linha.split(":label:")[1].strip() for linha in texto.split("\n") if ":label:" in linha}
    assert len(rotulos) >= 3
    assert all(r.startswith(f"ex-l{qual[-1]}-") for r in rotulos), rotulos
    verificadores = {f.rotulo: nome for nome, f in vars(modulo).items() if hasattr(f, "rotulo")}
    codigo = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for rotulo in rotulos:
        if rotulo in verificadores:
            assert f"{qual}.{verificadores[rotulo]}(" in codigo, rotulo
        else:
            assert rotulo in modulo.CORRIGIDOS_POR_LEITURA, rotulo
    assert set(verificadores) <= rotulos, "verificador sem exercício na lição"
    # Todo exercício lido por uma pessoa tem critérios de correção dentro da solução.
    assert texto.count("**Critérios de correção:**") >= len(modulo.CORRIGIDOS_POR_LEITURA)


def test_matriz_de_confusao_recusa_classes_fora_da_faixa():
    """Uma previsão 12 com 10 classes caía, calada, noutra célula (real 1, previsto 2)."""
    reais = torch.tensor([0, 1])
    with pytest.raises(ValueError, match=r"previstos.*12.*de 0 a 9"):
        lenet.matriz_de_confusao(torch.tensor([12, 1]), reais)
    with pytest.raises(ValueError, match=r"reais.*-1"):
        lenet.matriz_de_confusao(torch.tensor([0, 1]), torch.tensor([-1, 1]))
    with pytest.raises(TypeError, match=r"inteiros.*argmax"):
        lenet.matriz_de_confusao(torch.tensor([0.2, 0.9]), reais)
