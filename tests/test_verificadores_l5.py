"""Verificadores das lições 5 e 6: certo, errado, em branco, malformado e exceção, sempre sem traceback."""
from collections import OrderedDict

import pytest
import torch
from torch import nn

from cursoconv import lenet, utils
from cursoconv.exercicios import base, licao4
from cursoconv.exercicios import licao5 as v
from cursoconv.exercicios import licao6 as l6


def estado(verificar, resposta, capsys):
    verificar(resposta)
    saida = capsys.readouterr().out
    assert saida.startswith("Exercício «") and "Traceback" not in saida
    return base.RESULTADOS[verificar.rotulo]["estado"], saida


def pendente(*_):
    raise NotImplementedError


def explode(*_):
    raise ZeroDivisionError("divisão por zero")


# ---- ex-l5-f6: entradas de F6 da LeNet-5 moderna para imagens n×n
def entradas_certo(n):
    for camada in ("C1", "S2", "C3", "S4", "C5"):
        janela = 5 if camada.startswith("C") else 2
        if n < janela:
            return 0
        n = n - 4 if camada.startswith("C") else n // 2
    return 120 * n * n


def entradas_sem_arredondar(n):  # esquece que o agrupamento arredonda para baixo
    lado = ((n - 4) / 2 - 4) / 2 - 4
    return int(120 * lado * lado) if lado >= 1 else 0


@pytest.mark.parametrize("resposta, esperado, trecho", [
    (entradas_certo, "correto", ""),
    (lambda n: float(entradas_certo(n)), "correto", ""),
    (lambda n: 120, "errado", "com n = 28"),
    (lambda n: 120 * max(n - 12, 0) ** 2, "errado", "F6 recebe"),
    (entradas_sem_arredondar, "errado", "arredondando"),
    (lambda n: entradas_certo(n) if n != 28 else 120 * 16, "errado", "devia devolver 0"),
    (None, "sem resposta", ""),
    (pendente, "sem resposta", ""),
    (lambda n: None, "errado", "faltou o return"),
    (explode, "erro", "ZeroDivisionError"),
])
def test_verificador_entradas_f6(resposta, esperado, trecho, capsys):
    obtido, saida = estado(v.verificar_entradas_f6, resposta, capsys)
    assert obtido == esperado and trecho in saida, saida


def test_entradas_f6_conferidas_contra_a_rede():
    """A conta do verificador é a da rede de verdade, inclusive nos lados ímpares e onde ela recusa a imagem."""
    for n in (28, 31, 32, 33, 35, 36, 37, 64):
        assert v._entradas_f6_de_verdade(n) == entradas_certo(n), n
    assert v._entradas_f6_de_verdade(28) == 0 and v._entradas_f6_de_verdade(36) == 480


# ---- ex-l5-parada
@pytest.mark.parametrize("resposta, esperado, trecho", [
    (lambda h: h["perda_validacao"].index(min(h["perda_validacao"])) + 1, "correto", ""),
    (lambda h: h["perda_validacao"].index(min(h["perda_validacao"])), "errado", "começa em 0"),
    (lambda h: h["perda_teste"].index(min(h["perda_teste"])) + 1, "errado", "perda de teste"),
    (lambda h: h["perda_treino"].index(min(h["perda_treino"])) + 1, "errado", "perda de treino"),
    (lambda h: len(h["perda_validacao"]) - h["perda_validacao"][::-1].index(min(h["perda_validacao"])),
     "errado", "no empate"),
    (None, "sem resposta", ""),
    (explode, "erro", "ZeroDivisionError"),
])
def test_verificador_epoca_de_parada(resposta, esperado, trecho, capsys):
    obtido, saida = estado(v.verificar_epoca_de_parada, resposta, capsys)
    assert obtido == esperado and trecho in saida, saida


# ---- ex-l6-relu e ex-l6-maxpool (lição 6)
def trocar(rede, antigo, novo):
    return nn.Sequential(OrderedDict((nome, novo() if isinstance(c, antigo) else c)
                                     for nome, c in rede.named_children()))


def test_verificador_relu(capsys):
    assert estado(l6.verificar_moderna_relu, trocar(lenet.lenet5_moderna(), nn.Tanh, nn.ReLU), capsys)[0] == "correto"
    sem_nomes = nn.Sequential(*[nn.ReLU() if isinstance(c, nn.Tanh) else c for c in lenet.lenet5_moderna()])
    assert estado(l6.verificar_moderna_relu, sem_nomes, capsys)[0] == "correto"
    obtido, saida = estado(l6.verificar_moderna_relu, lenet.lenet5_moderna(), capsys)
    assert obtido == "errado" and "Tanh" in saida
    obtido, saida = estado(l6.verificar_moderna_relu, trocar(lenet.lenet5_moderna(), nn.Tanh, nn.Sigmoid), capsys)
    assert obtido == "errado" and "Sigmoid" in saida
    assert estado(l6.verificar_moderna_relu, None, capsys)[0] == "sem resposta"
    obtido, saida = estado(l6.verificar_moderna_relu, "nn.ReLU", capsys)
    assert obtido == "errado" and "nn.Module" in saida
    quebrada = trocar(lenet.lenet5_moderna(), nn.Tanh, nn.ReLU)
    quebrada.F6 = nn.Linear(4800, 84)
    obtido, saida = estado(l6.verificar_moderna_relu, quebrada, capsys)
    assert obtido == "erro" and "não passa pela rede" in saida


def test_verificador_maxpool(capsys):
    certa = trocar(lenet.lenet5_moderna(), nn.AvgPool2d, lambda: nn.MaxPool2d(2))
    assert estado(l6.verificar_moderna_max, certa, capsys)[0] == "correto"
    obtido, saida = estado(l6.verificar_moderna_max, lenet.lenet5_moderna(), capsys)
    assert obtido == "errado" and "AvgPool2d" in saida
    janela_errada = trocar(lenet.lenet5_moderna(), nn.AvgPool2d, lambda: nn.MaxPool2d(2, stride=1))
    obtido, _ = estado(l6.verificar_moderna_max, janela_errada, capsys)
    assert obtido in ("errado", "erro")
    assert estado(l6.verificar_moderna_max, None, capsys)[0] == "sem resposta"
    assert estado(l6.verificar_moderna_max, 42, capsys)[0] == "errado"


# ---- ex-l5-avaliar
def avaliar_certo(net, data_iter, loss):
    net.eval()
    soma, acertos, n = 0.0, 0, 0
    with torch.no_grad():
        for X, y in data_iter:
            y_hat = net(X)
            soma += loss(y_hat, y).item() * len(y)
            acertos += (y_hat.argmax(dim=1) == y).sum().item()
            n += len(y)
    return acertos / n, soma / n


def avaliar_por_lote(net, data_iter, loss):
    acc, perdas = avaliar_certo(net, data_iter, loss)[0], []
    with torch.no_grad():
        for X, y in data_iter:
            perdas.append(loss(net(X), y).item())
    return acc, sum(perdas) / len(perdas)


def test_verificador_avaliar(capsys):
    assert estado(v.verificar_avaliar, avaliar_certo, capsys)[0] == "correto"
    obtido, saida = estado(v.verificar_avaliar, avaliar_por_lote, capsys)
    assert obtido == "errado" and "média das perdas dos lotes" in saida
    obtido, saida = estado(v.verificar_avaliar, lambda *a: utils.evaluate_accuracy(*a[1::-1], a[2]), capsys)
    assert obtido == "errado" and "evaluate_accuracy" in saida
    from cursoconv.avaliacao import evaluate_accuracy as com_outro_nome
    obtido, saida = estado(v.verificar_avaliar, lambda *a: com_outro_nome(*a[1::-1], a[2]), capsys)
    assert obtido == "errado" and "evaluate_accuracy" in saida
    assert estado(v.verificar_avaliar, None, capsys)[0] == "sem resposta"
    assert estado(v.verificar_avaliar, pendente, capsys)[0] == "sem resposta"
    obtido, saida = estado(v.verificar_avaliar, lambda *a: 0.5, capsys)
    assert obtido == "errado" and "par (acurácia, perda)" in saida
    obtido, saida = estado(v.verificar_avaliar, lambda *a: ("alta", "baixa"), capsys)
    assert obtido == "errado" and "número" in saida
    assert estado(v.verificar_avaliar, explode, capsys)[0] == "erro"


@pytest.mark.parametrize("verificar, resposta", [
    (licao4.verificar_lado_da_pilha, lambda n: 1),
    (v.verificar_entradas_f6, lambda n: 0),
    (v.verificar_avaliar, lambda net, lotes, loss: (0.5, 1.0)),
    (l6.verificar_moderna_relu, lenet.lenet5_moderna()),
    (l6.verificar_moderna_max, lenet.lenet5_moderna()),
], ids=lambda x: getattr(x, "__name__", ""))
def test_verificador_nao_mexe_no_gerador_global(verificar, resposta, capsys):
    # Antes (segunda passada de fuzzing): criar as redes de referência sorteava pesos com o gerador
    # global, e um verificador rodado depois de utils.fixar_semente(0) mudava o treino seguinte.
    utils.fixar_semente(0)
    antes = torch.get_rng_state()
    estado(verificar, resposta, capsys)
    assert torch.equal(torch.get_rng_state(), antes)


def avaliar_pelo_dataset(net, data_iter, loss):
    """Certa, e a forma comum nos livros: conta as amostras com len(data_iter.dataset)."""
    soma_perda, acertos = 0.0, 0
    with torch.no_grad():
        for X, y in data_iter:
            y_hat = net(X)
            soma_perda += loss(y_hat, y).item() * len(y)
            acertos += (y_hat.argmax(dim=1) == y).sum().item()
    return acertos / len(data_iter.dataset), soma_perda / len(data_iter.dataset)


def test_verificador_avaliar_aceita_len_do_dataset(capsys):
    # Antes (segunda passada de fuzzing): o verificador passava uma lista de lotes, e a resposta certa acima,
    # que funciona com o valid_iter da lição, dava «erro» (AttributeError: 'list' object has no attribute
    # 'dataset'). Agora ele passa um carregador como os do curso, com lotes de tamanhos diferentes.
    assert estado(v.verificar_avaliar, avaliar_pelo_dataset, capsys)[0] == "correto"
    obtido, saida = estado(v.verificar_avaliar, avaliar_por_lote, capsys)
    assert obtido == "errado" and "média das perdas dos lotes" in saida


# ---- terceira passada de fuzzing
def avaliar_em_texto(net, data_iter, loss):
    return tuple(str(v) for v in avaliar_certo(net, data_iter, loss))


@pytest.mark.parametrize("resposta, trecho", [
    (lambda *a: (float("nan"), float("nan")), "finito"),  # antes: «correto» (toda comparação com NaN é falsa)
    (avaliar_em_texto, "número"),  # antes: «correto» ("0.28" virava 0,28)
])
def test_verificador_avaliar_recusa_nan_e_texto(resposta, trecho, capsys):
    obtido, saida = estado(v.verificar_avaliar, resposta, capsys)
    assert obtido == "errado" and trecho in saida, saida


def primeiro_minimo_local(h):
    """Errada: para na 1ª vez que a perda de validação sobe (paciência 0), e a menor pode vir depois."""
    perdas = h["perda_validacao"]
    return next((i for i in range(1, len(perdas)) if perdas[i] > perdas[i - 1]), len(perdas))


def test_verificador_epoca_de_parada_nao_aceita_o_primeiro_minimo_local(capsys):
    # Antes: os quatro casos fixos tinham a menor perda no 1º mínimo local, e esta resposta dava «correto».
    obtido, saida = estado(v.verificar_epoca_de_parada, primeiro_minimo_local, capsys)
    assert obtido == "errado" and "a menor está na época" in saida, saida


class ModernaRelu(nn.Module):
    def __init__(self):
        super().__init__()
        self.camadas = trocar(lenet.lenet5_moderna(), nn.Tanh, nn.ReLU)

    def forward(self, X):
        self.ultima_saida = self.camadas(X)  # guardada com o grafo do gradiente: copy.deepcopy não a copia
        return self.ultima_saida


def preguicosa_relu():
    """A LeNet-5 moderna com ReLU no estilo do d2l, com camadas preguiçosas (os pesos vêm na 1ª passada)."""
    return nn.Sequential(nn.LazyConv2d(6, 5), nn.ReLU(), nn.AvgPool2d(2), nn.LazyConv2d(16, 5), nn.ReLU(),
                         nn.AvgPool2d(2), nn.LazyConv2d(120, 5), nn.ReLU(), nn.Flatten(), nn.LazyLinear(84),
                         nn.ReLU(), nn.LazyLinear(10))


def test_verificador_relu_com_redes_como_as_dos_estudantes(capsys):
    # Antes: a rede em float64 ou float16 dava «erro» culpando os tamanhos das camadas; a classe ou a função que
    # cria a rede, "mas é um type"; as camadas preguiçosas, um ValueError em inglês; e a rede que guarda um tensor
    # calculado, «erro» culpando os tamanhos (era a cópia que falhava).
    certa = lambda: trocar(lenet.lenet5_moderna(), nn.Tanh, nn.ReLU)  # noqa: E731
    for rede in (certa().double(), certa().half(), preguicosa_relu()):
        assert estado(l6.verificar_moderna_relu, rede, capsys)[0] == "correto"
    for criadora in (ModernaRelu, certa):
        obtido, saida = estado(l6.verificar_moderna_relu, criadora, capsys)
        assert obtido == "errado" and "parênteses" in saida, saida
    assert estado(l6.verificar_moderna_relu, ModernaRelu(), capsys)[0] == "correto"
    guardou = ModernaRelu()
    guardou(torch.zeros(1, 1, 32, 32))
    obtido, saida = estado(l6.verificar_moderna_relu, guardou, capsys)
    assert obtido == "erro" and "detach" in saida and "tamanhos" not in saida, saida
    preguicosa = preguicosa_relu()
    estado(l6.verificar_moderna_relu, preguicosa, capsys)
    assert isinstance(preguicosa[0], nn.LazyConv2d)  # a rede do estudante não muda


class SaiDoPython(nn.Module):
    def forward(self, X):
        raise SystemExit("tchau")


def test_verificador_relu_com_sys_exit_na_passada_da_erro(capsys):
    # Antes: o SystemExit da passada da rede do estudante passava direto, sem veredito nenhum.
    obtido, saida = estado(l6.verificar_moderna_relu, SaiDoPython(), capsys)
    assert obtido == "erro" and "SystemExit" in saida, saida


def test_verificador_avaliar_com_erro_descreve_as_entradas_numa_linha(capsys):
    # Antes: a rede entrava na mensagem com o repr de várias linhas (cada linha virava um item da lista do
    # veredito) e o carregador como <cursoconv.carregadores.CarregadorDeTensores object at 0x7f...>.
    obtido, saida = estado(v.verificar_avaliar, explode, capsys)
    assert obtido == "erro" and len(saida.splitlines()) == 2 and " at 0x" not in saida, saida
    assert "Sequential( (0): Flatten" in saida and "amostras em lotes de" in saida, saida


def avaliar_como_no_laco(net, data_iter, loss):
    """Certa, com a linha X, y = X.to(disp), y.to(disp) do laço de treino da lição 5 (disp: o dispositivo da lição)."""
    disp = utils.escolher_dispositivo()
    soma, acertos, n = 0.0, 0, 0
    with torch.no_grad():
        for X, y in data_iter:
            X, y = X.to(disp), y.to(disp)
            y_hat = net(X)
            soma += loss(y_hat, y).item() * len(y)
            acertos += (y_hat.argmax(dim=1) == y).sum().item()
            n += len(y)
    return acertos / n, soma / n


@pytest.mark.skipif(not torch.cuda.is_available(), reason="precisa de uma GPU NVIDIA (CUDA)")
def test_verificador_avaliar_na_gpu_aceita_a_solucao_e_o_to_do_laco(capsys):
    """No Colab com GPU, a função que copia o X.to(disp) do laço de treino dava «erro» ("Expected all tensors to be
    on the same device"): a rede do verificador ficava na CPU. A solução da lição, sem .to, também vale."""
    for funcao in (avaliar_certo, avaliar_como_no_laco, avaliar_pelo_dataset):
        assert estado(v.verificar_avaliar, funcao, capsys)[0] == "correto", funcao.__name__
